"""The committed data: valid, sourced, safe, and reconciled with the reports' totals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stations.data import load, reconcile, vocab

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def dataset() -> load.Dataset:
    return load.load_dataset(DATA)


def test_committed_files_pass_the_validator() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stations", "validate"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_every_row_cites_a_source(dataset: load.Dataset) -> None:
    for frame in (dataset.stations, dataset.responses):
        urls = frame["sources"].str.split(vocab.SOURCE_SEPARATOR, regex=False)
        assert urls.map(len).min() >= 1
        assert urls.explode().str.match(r"^https?://").all()


def test_totals_reconcile_with_the_two_reports(dataset: load.Dataset) -> None:
    unidentified = reconcile.load_unidentified(DATA / "unidentified.csv")
    waves = reconcile.reconcile(dataset.stations, unidentified)
    assert [(w.wave, w.reported_stations, w.reported_countries) for w in waves] == [
        ("sep-2022", 54, 30),
        ("dec-2022", 102, 53),
    ]
    for wave in waves:
        assert wave.reconciles, wave
    # No wave holds more rows than its report counted.
    sep = (dataset.stations["wave"] == "sep-2022").sum()
    dec = (dataset.stations["wave"] == "dec-2022").sum()
    assert sep <= 54 and dec <= 48


def test_reconciliation_that_does_not_add_up_is_a_problem(dataset: load.Dataset, tmp_path: Path) -> None:
    path = tmp_path / "unidentified.csv"
    text = (DATA / "unidentified.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("sep-2022,2,2,", "sep-2022,3,2,", 1), encoding="utf-8")
    found = reconcile.problems(dataset.stations, reconcile.load_unidentified(path), "u.csv")
    assert found and "unidentified != 54 reported" in found[0].message


def test_private_residences_are_never_pinned(dataset: load.Dataset) -> None:
    private = dataset.stations[dataset.stations["private_residence"]]
    assert len(private) >= 2
    assert (private["address"] == "").all()
    assert private["geo_precision"].isin(["city", "country"]).all()


def test_unpublished_locations_are_country_level(dataset: load.Dataset) -> None:
    unpublished = dataset.stations[dataset.stations["city"] == ""]
    assert (unpublished["geo_precision"] == "country").all()
    assert unpublished["notes"].str.contains("not published", case=False).all()


def test_every_response_country_hosts_a_station(dataset: load.Dataset) -> None:
    assert set(dataset.responses["iso2"]) <= set(dataset.stations["iso2"])
