"""data/datapackage.json: generated from the vocabulary, valid for the Frictionless tools, and a
data version that a change to the files without a bump cannot slip past."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from frictionless import validate

from stations.__main__ import main
from stations.data import datapackage, publishers, vocab

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    for name in (*(f for _, f, _ in datapackage.RESOURCES), datapackage.PACKAGE_FILE):
        shutil.copyfile(DATA / name, target / name)
    return target


def test_committed_package_equals_a_fresh_build() -> None:
    """The file is generated: editing it by hand, or changing the vocabulary without a bump,
    shows up here (and in ``python -m stations validate``)."""
    committed = json.loads((DATA / datapackage.PACKAGE_FILE).read_text(encoding="utf-8"))
    built = datapackage.build(DATA, committed["version"], committed["created"])
    assert committed == built
    assert (DATA / datapackage.PACKAGE_FILE).read_text(encoding="utf-8") == datapackage.render(built)
    assert datapackage.check(DATA) == []


def test_committed_package_is_valid_for_frictionless() -> None:
    report = validate(str(DATA / datapackage.PACKAGE_FILE))
    errors = [f"{task.name}: {e.message}" for task in report.tasks for e in task.errors]
    assert report.valid, errors[:10]
    assert [task.name for task in report.tasks] == [name for name, _, _ in datapackage.RESOURCES]
    assert [task.stats["rows"] for task in report.tasks] == [
        len(list(csv.DictReader(io.StringIO((DATA / f).read_text(encoding="utf-8")))))
        for _, f, _ in datapackage.RESOURCES
    ]


def test_package_describes_enums_keys_and_types_from_the_vocabulary() -> None:
    package = json.loads((DATA / datapackage.PACKAGE_FILE).read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    stations = {f["name"]: f for f in resources["stations"]["schema"]["fields"]}
    assert list(stations) == list(vocab.STATION_COLUMNS)
    assert stations["bureau"]["constraints"]["enum"] == list(vocab.BUREAUS)
    assert stations["status"]["constraints"]["enum"] == list(vocab.STATUSES)
    assert stations["lat"]["type"] == "number" and stations["private_residence"]["type"] == "boolean"
    responses = resources["responses"]["schema"]
    assert [f["name"] for f in responses["fields"]] == list(vocab.RESPONSE_COLUMNS)
    action = next(f for f in responses["fields"] if f["name"] == "action_type")
    assert action["constraints"]["enum"] == list(vocab.ACTION_TYPES)
    assert resources["stations"]["schema"]["primaryKey"] == ["station_id"]
    assert responses["primaryKey"] == ["response_id"]
    assert responses["foreignKeys"] == [
        {"fields": ["iso2"], "reference": {"resource": "stations", "fields": ["iso2"]}}
    ]
    register = {f["name"]: f for f in resources["publishers"]["schema"]["fields"]}
    assert list(register) == list(publishers.REGISTER_COLUMNS)
    assert register["tier"]["constraints"]["enum"] == list(publishers.TIERS)
    assert register["kind"]["constraints"]["enum"] == list(publishers.KINDS)
    assert [f["name"] for f in resources["report_evidence"]["schema"]["fields"]] == list(
        publishers.EVIDENCE_COLUMNS
    )
    assert [f["name"] for f in resources["blocked_hosts"]["schema"]["fields"]] == list(
        publishers.BLOCKED_COLUMNS
    )
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["version"] and package["created"].endswith("Z")


def test_frictionless_catches_a_bad_enum_a_broken_foreign_key_and_a_stale_hash(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    stations = (data / "stations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    first = stations[1].split(",")
    bureau = vocab.STATION_COLUMNS.index("bureau")
    first[bureau] = "Beijing"  # no quoted field precedes the bureau column in the first row
    stations[1] = ",".join(first)
    (data / "stations.csv").write_text("".join(stations), encoding="utf-8")
    responses = (data / "responses.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    cells = responses[1].split(",")
    cells[2] = "ZZ"
    responses[1] = ",".join(cells)
    (data / "responses.csv").write_text("".join(responses), encoding="utf-8")
    report = validate(str(data / datapackage.PACKAGE_FILE))
    found = {(task.name, e.type) for task in report.tasks for e in task.errors}
    assert ("stations", "constraint-error") in found
    assert ("responses", "foreign-key") in found
    assert ("stations", "hash-count") in found and ("responses", "hash-count") in found


def test_a_data_change_without_a_bump_fails_validation_with_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _copy_data(tmp_path)
    files = [str(data / "stations.csv"), str(data / "responses.csv")]
    assert main(["validate", *files]) == 0
    text = (data / "responses.csv").read_text(encoding="utf-8")
    (data / "responses.csv").write_text(
        text.replace("Hoekstra summoned", "Hoekstra called in", 1), encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["validate", *files]) == 1
    out = capsys.readouterr().out
    version = json.loads((data / datapackage.PACKAGE_FILE).read_text())["version"]
    assert out.strip() == (
        f"{data / datapackage.PACKAGE_FILE}:1: responses.csv: changed since data version {version} was "
        "recorded: run `python -m stations bump-version` to record a new version (and commit the data "
        "and the package together)"
    )
    assert main(["bump-version", "--data-dir", str(data)]) == 0
    assert main(["validate", *files]) == 0
    bumped = json.loads((data / datapackage.PACKAGE_FILE).read_text())
    assert bumped["version"] != version
    assert bumped["version"].startswith(dt.datetime.now(dt.UTC).date().isoformat())
    assert validate(str(data / datapackage.PACKAGE_FILE)).valid


def test_a_hand_edited_package_fails_validation(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    package = json.loads((data / datapackage.PACKAGE_FILE).read_text())
    package["resources"][0]["schema"]["fields"][7]["constraints"]["enum"].append("Beijing")
    (data / datapackage.PACKAGE_FILE).write_text(json.dumps(package))
    (problem,) = datapackage.check(data)
    assert problem.column == "schema" and "bump-version" in problem.message


def test_a_missing_or_broken_package_is_reported_not_raised(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / datapackage.PACKAGE_FILE).write_text('{"version": ')
    (problem,) = datapackage.check(data)
    assert "not valid JSON" in problem.message
    (data / datapackage.PACKAGE_FILE).unlink()
    (problem,) = datapackage.check(data)
    assert problem.line == 0 and "missing" in problem.message
    assert datapackage.data_version(data) is None


def test_bump_refuses_invalid_data_and_leaves_the_package_alone(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    before = (data / datapackage.PACKAGE_FILE).read_bytes()
    (data / "stations.csv").write_text("station_id\n", encoding="utf-8")
    assert main(["bump-version", "--data-dir", str(data)]) == 1
    assert (data / datapackage.PACKAGE_FILE).read_bytes() == before


@pytest.mark.parametrize(
    ("current", "today", "expected"),
    [
        (None, dt.date(2026, 11, 27), "2026-11-27"),
        ("2026-11-23", dt.date(2026, 11, 27), "2026-11-27"),
        ("2026-11-27", dt.date(2026, 11, 27), "2026-11-27.2"),
        ("2026-11-27.2", dt.date(2026, 11, 27), "2026-11-27.3"),
        ("1.0", dt.date(2026, 11, 27), "2026-11-27"),
    ],
)
def test_next_version_is_the_day_then_a_counter(current: str | None, today: dt.date, expected: str) -> None:
    assert datapackage.next_version(current, today) == expected


def test_the_date_of_the_data_comes_from_the_package_without_git(tmp_path: Path) -> None:
    """As in the deployed image: a copy of data/ with no repository around it."""
    data = _copy_data(tmp_path)
    package = json.loads((data / datapackage.PACKAGE_FILE).read_text())
    code = (
        "import os, sys; sys.path.insert(0, sys.argv[1]); os.environ['STATIONS_DATA_DIR'] = sys.argv[2]\n"
        "from stations.web import data; data.start_data().settled(); print(data.latest_change())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(data)],
        cwd=tmp_path,
        env={"PATH": "/nonexistent", "HOME": str(tmp_path)},  # no git on the PATH
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.strip()
    assert out.splitlines()[-1] == package["created"][:10]


def test_bump_writes_the_new_version_and_date_into_citation_cff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _copy_data(tmp_path)
    # An older release in the copy, so that the bump must change both lines whatever today is.
    committed = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    before = re.sub(r"(?m)^date-released: .*$", 'date-released: "2000-01-01"', committed)
    before = re.sub(r"(?m)^version: .*$", 'version: "2000-01-01"', before)
    (tmp_path / "CITATION.cff").write_text(before, encoding="utf-8")
    monkeypatch.delenv("STATIONS_PUBLIC_URL", raising=False)
    assert main(["bump-version", "--data-dir", str(data)]) == 0
    package = json.loads((data / datapackage.PACKAGE_FILE).read_text())
    after = (tmp_path / "CITATION.cff").read_text(encoding="utf-8")
    cff = yaml.safe_load(after)
    assert cff["version"] == package["version"] and cff["date-released"] == package["created"][:10]
    assert "url" not in cff  # no public address configured: none is guessed
    # Only those lines changed: comments, order and every other key stay as written.
    changed = [a for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert [line.split(":")[0] for line in changed] == ["version", "date-released"]
    monkeypatch.setenv("STATIONS_PUBLIC_URL", "https://maps.example.org/")
    assert main(["bump-version", "--data-dir", str(data)]) == 0
    cff = yaml.safe_load((tmp_path / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["url"] == "https://maps.example.org/"
    assert cff["version"] == json.loads((data / datapackage.PACKAGE_FILE).read_text())["version"]
