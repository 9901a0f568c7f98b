"""The reports' counts by bureau: never exceeded, and matched exactly once nothing is unknown.

Each fixture is the committed data with a few bureaus changed, checked through the validate
command as an editor runs it; a problem must name the file and line an editor has to fix.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stations.data import load, reconcile, vocab

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def read_rows(path: Path, columns: tuple[str, ...]) -> tuple[list[dict[str, str]], list[int]]:
    frame, lines, problems = load.read_records(path, columns)
    assert problems == []
    return frame.to_dict("records"), lines


def write_rows(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in ("stations.csv", "responses.csv", "unidentified.csv"):
        shutil.copyfile(DATA / name, tmp_path / name)
    return tmp_path


def attribute(row: dict[str, str], bureau: str) -> None:
    row["bureau"] = bureau
    row["bureau_province"] = vocab.BUREAU_PROVINCE.get(bureau, "")


def validate(directory: Path) -> list[str]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stations",
            "validate",
            str(directory / "stations.csv"),
            str(directory / "responses.csv"),
            str(directory / "unidentified.csv"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = result.stdout.splitlines()
    assert (result.returncode == 0) == (lines == []), result.stdout + result.stderr
    return lines


def sep_unknown(rows: list[dict[str, str]]) -> list[int]:
    return [i for i, r in enumerate(rows) if r["wave"] == "sep-2022" and r["bureau"] == "Unknown"]


def test_committed_data_stays_within_the_reports_counts_by_bureau() -> None:
    stations = load.load_dataset(DATA).stations
    unidentified = reconcile.load_unidentified(DATA / "unidentified.csv")
    counts = reconcile.bureau_counts(stations, unidentified)
    assert {(c.wave, c.bureau): c.reported for c in counts if c.reported} == {
        ("sep-2022", "Fuzhou"): 32,
        ("sep-2022", "Qingtian"): 22,
    }
    assert all(c.attributed <= c.reported for c in counts)
    assert reconcile.bureau_problems(stations, unidentified, "s", "u") == []


def test_one_station_too_many_for_a_bureau_is_reported_on_the_row_that_exceeds(copy: Path) -> None:
    path = copy / "stations.csv"
    rows, lines = read_rows(path, vocab.STATION_COLUMNS)
    qingtian = sum(r["wave"] == "sep-2022" and r["bureau"] == "Qingtian" for r in rows)
    moved = sep_unknown(rows)[: 22 - qingtian + 1]
    for i in moved:
        attribute(rows[i], "Qingtian")
    write_rows(path, rows, vocab.STATION_COLUMNS)
    beyond = [i for i, r in enumerate(rows) if r["wave"] == "sep-2022" and r["bureau"] == "Qingtian"][22]
    assert validate(copy) == [
        f"{path}:{lines[beyond]}: bureau: sep-2022: 23 stations attributed to Qingtian "
        "(23 rows + 0 unidentified), more than the 22 the report attributes to it"
    ]


def test_excess_in_the_unidentified_file_is_reported_on_its_line(copy: Path) -> None:
    path = copy / "stations.csv"
    rows, _ = read_rows(path, vocab.STATION_COLUMNS)
    qingtian = sum(r["wave"] == "sep-2022" and r["bureau"] == "Qingtian" for r in rows)
    for i in sep_unknown(rows)[: 22 - qingtian - 1]:
        attribute(rows[i], "Qingtian")
    write_rows(path, rows, vocab.STATION_COLUMNS)
    missing_path = copy / "unidentified.csv"
    missing, missing_lines = read_rows(missing_path, reconcile.UNIDENTIFIED_COLUMNS)
    sep = next(i for i, r in enumerate(missing) if r["wave"] == "sep-2022")
    assert missing[sep]["stations"] == "2"
    missing[sep]["bureau"] = "Qingtian"
    write_rows(missing_path, missing, reconcile.UNIDENTIFIED_COLUMNS)
    assert validate(copy) == [
        f"{missing_path}:{missing_lines[sep]}: bureau: sep-2022: 23 stations attributed to Qingtian "
        "(21 rows + 2 unidentified), more than the 22 the report attributes to it"
    ]


def test_a_bureau_the_report_does_not_name_is_reported(copy: Path) -> None:
    path = copy / "stations.csv"
    rows, lines = read_rows(path, vocab.STATION_COLUMNS)
    wrong = sep_unknown(rows)[0]
    attribute(rows[wrong], "Wenzhou")
    write_rows(path, rows, vocab.STATION_COLUMNS)
    assert validate(copy) == [
        f"{path}:{lines[wrong]}: bureau: sep-2022: 1 stations attributed to Wenzhou "
        "(1 rows + 0 unidentified), more than the 0 the report attributes to it"
    ]


def fully_attributed(copy: Path) -> tuple[Path, list[dict[str, str]]]:
    """Every September station given a bureau, in the report's proportions (a made-up split)."""
    path = copy / "stations.csv"
    rows, _ = read_rows(path, vocab.STATION_COLUMNS)
    count = {
        b: sum(r["wave"] == "sep-2022" and r["bureau"] == b for r in rows) for b in ("Fuzhou", "Qingtian")
    }
    unknown = sep_unknown(rows)
    fuzhou = 32 - count["Fuzhou"] - 1
    for n, i in enumerate(unknown):
        attribute(rows[i], "Fuzhou" if n < fuzhou else "Qingtian")
    assert count["Qingtian"] + len(unknown) - fuzhou == 21
    write_rows(path, rows, vocab.STATION_COLUMNS)
    missing_path = copy / "unidentified.csv"
    missing, _ = read_rows(missing_path, reconcile.UNIDENTIFIED_COLUMNS)
    sep = next(r for r in missing if r["wave"] == "sep-2022")
    split = [dict(sep, stations="1", new_countries="1", bureau=b) for b in ("Fuzhou", "Qingtian")]
    missing = [r for r in missing if r is not sep] + split
    write_rows(missing_path, missing, reconcile.UNIDENTIFIED_COLUMNS)
    return path, rows


def test_a_fully_attributed_report_that_matches_its_counts_passes(copy: Path) -> None:
    fully_attributed(copy)
    assert validate(copy) == []


def test_a_bureau_short_of_its_count_fails_once_nothing_is_unknown(copy: Path) -> None:
    path, rows = fully_attributed(copy)
    last_qingtian = max(
        i for i, r in enumerate(rows) if r["wave"] == "sep-2022" and r["bureau"] == "Qingtian"
    )
    del rows[last_qingtian]
    write_rows(path, rows, vocab.STATION_COLUMNS)
    found = validate(copy)
    missing_path = copy / "unidentified.csv"
    assert (
        f"{missing_path}:1: bureau: sep-2022: 21 stations attributed to Qingtian (20 rows + 1 unidentified) "
        "!= 22 in the report, and no station of sep-2022 has an unknown bureau left to make up the "
        "difference" in found
    )
    # The station total is short too, and says so separately.
    assert any(
        line.startswith(f"{missing_path}:1: stations: sep-2022: 51 rows + 2 unidentified") for line in found
    )


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("Unknown", "unknown bureau; allowed: empty (not known)"), ("Shanghai", "unknown bureau")],
)
def test_a_bad_bureau_in_the_unidentified_file_is_located(copy: Path, value: str, fragment: str) -> None:
    missing_path = copy / "unidentified.csv"
    missing, lines = read_rows(missing_path, reconcile.UNIDENTIFIED_COLUMNS)
    missing[1]["bureau"] = value
    write_rows(missing_path, missing, reconcile.UNIDENTIFIED_COLUMNS)
    found = validate(copy)
    assert len(found) == 1 and found[0].startswith(f"{missing_path}:{lines[1]}: bureau: '{value}': ")
    assert fragment in found[0]


def test_an_unidentified_file_without_the_bureau_column_is_reported_on_its_header(copy: Path) -> None:
    missing_path = copy / "unidentified.csv"
    missing, _ = read_rows(missing_path, reconcile.UNIDENTIFIED_COLUMNS)
    columns = tuple(c for c in reconcile.UNIDENTIFIED_COLUMNS if c != "bureau")
    write_rows(missing_path, [{c: r[c] for c in columns} for r in missing], columns)
    assert validate(copy) == [f"{missing_path}:1: header: missing column 'bureau'"]
