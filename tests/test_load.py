"""The loader and validator catch each kind of defect, with its file, line and column."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from stations.data import load, synthetic, vocab
from stations.data.load import Problem

ROOT = Path(__file__).resolve().parent.parent


def write_stations(tmp_path: Path, rows: list[dict[str, str]], columns=vocab.STATION_COLUMNS) -> Path:
    path = tmp_path / "stations.csv"
    path.write_text(synthetic.to_csv(rows, columns), encoding="utf-8")
    return path


def problems_for(tmp_path: Path, index: int, **changes: str) -> list[Problem]:
    rows = synthetic.stations_rows(6)
    rows[index].update(changes)
    path = write_stations(tmp_path, rows)
    return load.check_stations(path, "stations.csv")[1]


def test_synthetic_dataset_is_valid(data_dir: Path) -> None:
    dataset, problems = load.check_dataset(data_dir / "stations.csv", data_dir / "responses.csv")
    assert problems == []
    assert len(dataset.stations) == 30
    assert dataset.stations["lat"].dtype == float
    assert dataset.stations["private_residence"].dtype == bool


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("bureau", "Shanghai", "unknown bureau"),
        ("iso2", "XX", "not an ISO 3166-1 alpha-2 code"),
        ("lat", "91.5", "in_range"),
        ("lon", "-181", "in_range"),
        ("lat", "north", "is not a number"),
        ("sources", "www.example.org/page", "http(s) URLs"),
        ("sources", "https://ok.example/a | javascript:alert(1)", "http(s) URLs"),
        ("opened", "2022-13", "not a date"),
        ("opened", "2023-02-30", "not a date"),
        ("opened", "15/02/2022", "not a date"),
        ("wave", "54", "unknown wave"),
        ("status", "open", "unknown status"),
        ("confidence", "certain", "unknown confidence"),
        ("private_residence", "yes", "must be true or false"),
        ("station_id", "nl rotterdam 1", "must look like"),
        ("bureau_province", "Jiangsu", "does not match the bureau"),
    ],
)
def test_each_bad_cell_is_reported_with_its_line_and_column(
    tmp_path: Path, column: str, value: str, fragment: str
) -> None:
    found = problems_for(tmp_path, 3, **{column: value})
    assert any(p.line == 5 and p.column == column and fragment in p.message for p in found), found
    assert all(p.file == "stations.csv" for p in found)


def test_duplicate_id_is_reported_on_the_second_row(tmp_path: Path) -> None:
    rows = synthetic.stations_rows(6)
    rows[4]["station_id"] = rows[1]["station_id"]
    found = load.check_stations(write_stations(tmp_path, rows), "s.csv")[1]
    assert [str(p) for p in found if "duplicate" in p.message] == [
        f"s.csv:6: station_id: '{rows[1]['station_id']}': duplicate station_id"
    ]


def test_missing_column_is_reported_on_the_header(tmp_path: Path) -> None:
    columns = [c for c in vocab.STATION_COLUMNS if c != "bureau"]
    rows = [{k: v for k, v in r.items() if k != "bureau"} for r in synthetic.stations_rows(3)]
    found = load.check_stations(write_stations(tmp_path, rows, columns), "s.csv")[1]
    assert [str(p) for p in found] == ["s.csv:1: header: missing column 'bureau'"]


def test_stray_bom_is_reported(tmp_path: Path) -> None:
    path = write_stations(tmp_path, synthetic.stations_rows(3))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    found = load.check_stations(path, "s.csv")[1]
    assert [str(p) for p in found] == [
        "s.csv:1: station_id: stray UTF-8 byte-order mark (BOM): save as UTF-8 without BOM"
    ]


def test_encoding_error_names_line_and_column(tmp_path: Path) -> None:
    rows = synthetic.stations_rows(5)
    rows[2]["host_organisation"] = "Caf\u00e9 association"
    path = write_stations(tmp_path, rows)
    path.write_bytes(path.read_bytes().replace("Caf\u00e9".encode(), "Caf\u00e9".encode("latin-1")))
    found = load.check_stations(path, "s.csv")[1]
    assert len(found) == 1
    assert (found[0].line, found[0].column) == (4, "host_organisation")
    assert "not valid UTF-8" in found[0].message


def test_a_quoted_newline_keeps_later_line_numbers_right(tmp_path: Path) -> None:
    rows = synthetic.stations_rows(6)
    rows[1]["notes"] = "first line\nsecond line\nthird line"
    rows[4]["bureau"] = "Nowhere"
    found = load.check_stations(write_stations(tmp_path, rows), "s.csv")[1]
    assert [(p.line, p.column) for p in found] == [(8, "bureau")]


def test_wrong_field_count_and_unclosed_quote(tmp_path: Path) -> None:
    path = write_stations(tmp_path, synthetic.stations_rows(4))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + ",extra\n"
    lines[3] = lines[3].replace(",", ',"', 1)
    path.write_text("".join(lines), encoding="utf-8")
    found = load.check_stations(path, "s.csv")[1]
    assert found[0].line == 3 and "expected 22 fields, found 23" in found[0].message
    assert found[1].line == 4


def test_private_residence_may_not_carry_an_address(tmp_path: Path) -> None:
    found = problems_for(
        tmp_path,
        0,
        private_residence="true",
        address="1 Home Lane",
        geo_precision="city",
    )
    assert [(p.line, p.column) for p in found] == [(2, "address")]
    assert "never publish a home address" in found[0].message


def test_private_residence_may_not_be_pinned_below_city(tmp_path: Path) -> None:
    found = problems_for(tmp_path, 1, private_residence="true", address="", geo_precision="address")
    assert [(p.line, p.column) for p in found] == [(3, "geo_precision")]


def test_response_in_a_country_without_station_is_reported(data_dir: Path) -> None:
    path = data_dir / "responses.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text.append("R999,Finland,FI,2022-10,Supo,denied_or_no_action,Nothing seen.,https://example.org/fi,low,")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    _, found = load.check_dataset(data_dir / "stations.csv", path)
    assert [str(p).split(": ", 1)[1] for p in found] == ["iso2: 'FI' hosts no station in stations.csv"]
    assert found[0].line == len(text)


def test_loader_never_writes_to_the_file(data_dir: Path) -> None:
    path = data_dir / "stations.csv"
    path.write_bytes(path.read_bytes()[:-200])
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    with pytest.raises(load.DataError):
        load.load_dataset(data_dir)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_validate_command_prints_problems_and_exits_nonzero(data_dir: Path) -> None:
    rows = synthetic.stations_rows(4)
    rows[2]["iso2"] = "QQ"
    (data_dir / "stations.csv").write_text(synthetic.to_csv(rows, vocab.STATION_COLUMNS), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "stations", "validate", str(data_dir / "stations.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert f"{data_dir / 'stations.csv'}:4: iso2: 'QQ': not an ISO 3166-1 alpha-2 code" in result.stdout


def test_random_cell_corruption_is_always_located(tmp_path: Path) -> None:
    """Put a bad value in a random enumerated column of a random row: the report names both."""
    rng = random.Random(3)
    for _ in range(20):
        rows = synthetic.stations_rows(12)
        row = rng.randrange(12)
        column = rng.choice(["bureau", "wave", "status", "confidence", "geo_precision", "iso2"])
        rows[row][column] = "zz-" + column
        found = load.check_stations(write_stations(tmp_path, rows), "s.csv")[1]
        assert (row + 2, column) in {(p.line, p.column) for p in found}


def test_a_paste_that_repeats_every_row_is_reported_briefly_on_the_right_lines(tmp_path: Path) -> None:
    """Ten copies of six rows, the last with a quoted note over three lines: 54 duplicate ids,
    the first 20 listed on their own lines and the rest counted on one more."""
    rows = synthetic.stations_rows(6)
    rows[5]["notes"] = "first line\nsecond line\nthird line"
    path = write_stations(tmp_path, rows * 10)
    _, found = load.check_stations(path, "s.csv")
    duplicates = [p for p in found if p.message.startswith("'") and "duplicate station_id" in p.message]
    assert len(duplicates) == 20, found
    # copy c (from 0) starts on line 2 + 8c; its row r on 2 + 8c + r (the last row spans 3 lines)
    expected = [2 + 8 * c + r for c in range(1, 10) for r in range(6)]
    assert [p.line for p in duplicates] == expected[:20]
    summary = [p for p in found if "more of the same kind" in p.message]
    assert [str(p) for p in summary] == [
        f"s.csv:{expected[20]}: station_id: and 34 more of the same kind (lines {expected[20]}-{expected[-1]})"
    ]
    assert found.index(summary[0]) == found.index(duplicates[-1]) + 1


def test_the_cap_counts_each_kind_apart_and_keeps_every_header_problem() -> None:
    header = [Problem("s.csv", 1, "header", f"missing column '{c}'") for c in vocab.STATION_COLUMNS]
    numbers = [Problem("s.csv", n, "lat", f"'x{n}' is not a number") for n in range(2, 40)]
    dates = [Problem("s.csv", n, "opened", f"'{n}': not a date") for n in range(2, 5)]
    capped = load.cap(header + sorted(numbers + dates), per_kind=5)
    assert capped[: len(header)] == header
    lat = [p for p in capped if p.column == "lat"]
    assert [p.line for p in lat] == [2, 3, 4, 5, 6, 7]
    assert lat[-1].message == "and 33 more of the same kind (lines 7-39)"
    assert [p for p in capped if p.column == "opened"] == dates
