"""The command without a network: gazetteer, manual rows, private residences, input errors, formatting."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.__main__ import main
from tests.support.geo import online_args, read_csv, station

pytestmark = pytest.mark.timeout(60)


def test_offline_makes_no_request_at_all(nominatim, stations_csv, tmp_path: Path, capsys) -> None:
    path = stations_csv(
        station("FR-paris-1", city="Paris", address="Avenue de Choisy, Paris 13e"),
        station("PT-ribeira-brava-1", city="Ribeira Brava", address="Rua Comandante Camacho de Freitas 5"),
    )
    code = main(["geocode", str(path), "--offline", *online_args(nominatim, tmp_path / "cache.json")])
    assert code == 0
    assert nominatim.seen == []
    rows = read_csv(path)
    assert (rows["FR-paris-1"]["geo_precision"], rows["FR-paris-1"]["geo_source"]) == ("city", "gazetteer")
    assert rows["PT-ribeira-brava-1"]["geo_precision"] == "country"
    out = capsys.readouterr().out
    assert "requests: 0" in out
    assert "PT-ribeira-brava-1: country from gazetteer" in out
    assert "'Ribeira Brava' not in GeoNames" in out


def test_rows_fill_from_the_most_precise_field_available(stations_csv, tmp_path: Path) -> None:
    path = stations_csv(
        station("MN-ulaanbaatar-1", city="Ulaanbaatar"),
        station("IT-unpublished-1"),
    )
    assert main(["geocode", str(path), "--offline", "--cache", str(tmp_path / "c.json")]) == 0
    rows = read_csv(path)
    ub = rows["MN-ulaanbaatar-1"]
    assert (round(float(ub["lat"]), 2), round(float(ub["lon"]), 2)) == (47.91, 106.88)
    assert (ub["geo_precision"], ub["geo_source"]) == ("city", "gazetteer")
    italy = rows["IT-unpublished-1"]
    assert (italy["geo_precision"], italy["geo_source"]) == ("country", "gazetteer")
    from geo.boundaries import country_of

    assert country_of(float(italy["lat"]), float(italy["lon"])) == "IT"


def test_manual_rows_are_never_overwritten(stations_csv, tmp_path: Path, capsys) -> None:
    manual = station(
        "FR-paris-1", city="Paris", lat="48.1", lon="2.1", geo_precision="address", geo_source="manual"
    )
    path = stations_csv(manual, station("FR-paris-2", city="Paris"))
    before = read_csv(path)["FR-paris-1"]
    code = main(
        ["geocode", str(path), "--offline", "--refresh", "FR-paris-1", "--cache", str(tmp_path / "c.json")]
    )
    assert code == 0
    assert read_csv(path)["FR-paris-1"] == before
    assert read_csv(path)["FR-paris-2"]["geo_source"] == "gazetteer"
    assert "1 manual kept" in capsys.readouterr().out


def test_only_coordinate_cells_change_and_untouched_rows_keep_their_bytes(
    stations_csv, tmp_path: Path
) -> None:
    path = stations_csv(
        station(
            "FR-paris-1", city="Paris", lat="48.85", lon="2.35", geo_precision="city", geo_source="gazetteer"
        ),
        station("FR-lyon-1", city="Lyon", host_organisation='Assoc, "Lyon"'),
    )
    # A hand-edited quirk the csv module would not write: quotes around a plain field.
    text = path.read_text(encoding="utf-8").replace("FR-paris-1,France", '"FR-paris-1",France')
    path.write_text(text, encoding="utf-8", newline="")
    before = read_csv(path)
    assert main(["geocode", str(path), "--offline", "--cache", str(tmp_path / "c.json")]) == 0
    after_text = path.read_bytes().decode("utf-8")
    assert after_text.split("\n")[:2] == text.split("\n")[:2]  # header and untouched row verbatim
    assert not after_text.startswith("\ufeff") and "\r" not in after_text
    after = read_csv(path)
    assert list(after) == list(before)
    geo_columns = {"lat", "lon", "geo_precision", "geo_source"}
    for sid in before:
        assert {k: v for k, v in after[sid].items() if k not in geo_columns} == {
            k: v for k, v in before[sid].items() if k not in geo_columns
        }
    assert after["FR-lyon-1"]["geo_precision"] == "city"


def test_second_offline_run_changes_nothing(stations_csv, tmp_path: Path, capsys) -> None:
    path = stations_csv(station("FR-paris-1", city="Paris"))
    main(["geocode", str(path), "--offline", "--cache", str(tmp_path / "c.json")])
    first = path.read_bytes()
    assert main(["geocode", str(path), "--offline", "--cache", str(tmp_path / "c.json")]) == 0
    assert path.read_bytes() == first
    assert "unchanged" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace(",false,Fuzhou", ",maybe,Fuzhou", 1),
            ":2: private_residence: 'maybe' must be true or false",
        ),
        (
            lambda t: t.replace("FR-lyon-1,France", "FR-lyon-1,France,extra"),
            ":4: notes: expected 22 fields, found 23",
        ),
        (lambda t: t.replace("FR,Lyon", "ZZ,Lyon"), ":4: iso2: 'ZZ' is not an ISO 3166-1 alpha-2 code"),
        (
            lambda t: t.replace(",city_zh,", ",cityzh,").replace(",lat,", ",latitude,"),
            ":1: header: missing column 'lat'",
        ),
        (lambda t: "\ufeff" + t, ":1: -: UTF-8 byte-order mark"),
    ],
    ids=["bad-boolean", "extra-field", "unknown-iso2", "missing-column", "bom"],
)
def test_malformed_input_reports_file_line_and_leaves_the_file_untouched(
    edit, expected: str, stations_csv, tmp_path: Path, capsys
) -> None:
    path = stations_csv(station("FR-paris-1", city="Paris"), station("FR-lyon-1", city="Lyon"))
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")
    before = path.read_bytes()
    code = main(["geocode", str(path), "--offline", "--cache", str(tmp_path / "c.json")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{path}{expected}" in err
    assert "left untouched" in err
    assert path.read_bytes() == before


def test_bad_coordinates_are_reported_with_their_line(stations_csv, tmp_path: Path, capsys) -> None:
    path = stations_csv(
        station("FR-paris-1", city="Paris", lat="91", lon="2", geo_source="manual", geo_precision="city")
    )
    assert main(["check", str(path)]) == 1
    assert f"{path}:2: lat: 91 is outside -90..90" in capsys.readouterr().err


def test_unknown_refresh_id_is_a_usage_error(stations_csv, tmp_path: Path, capsys) -> None:
    path = stations_csv(station("FR-paris-1", city="Paris"))
    assert (
        main(["geocode", str(path), "--offline", "--refresh", "FR-nowhere-1", "--cache", str(tmp_path / "c")])
        == 2
    )
    assert "FR-nowhere-1" in capsys.readouterr().err


def test_check_reports_a_point_in_another_country(stations_csv, capsys) -> None:
    path = stations_csv(
        station(
            "FR-paris-1",
            city="Paris",
            lat="48.85341",
            lon="2.3488",
            geo_precision="city",
            geo_source="gazetteer",
        ),
        station(
            "PT-lisbon-1",
            city="Lisbon",
            lat="40.4168",
            lon="-3.7038",
            geo_precision="city",
            geo_source="manual",
        ),
        station("IT-unpublished-1"),
    )
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "PT-lisbon-1: (40.4168, -3.7038) is" in out and "it lies in ES" in out
    assert "IT-unpublished-1: no coordinates" in out
    assert "FR-paris-1" not in out


def test_check_accepts_a_coastal_point_just_offshore(stations_csv, capsys) -> None:
    # The Vieux-Port sits on a coastline that Natural Earth 1:50m generalises.
    path = stations_csv(
        station(
            "FR-marseille-1",
            city="Marseille",
            lat="43.2965",
            lon="5.3598",
            geo_precision="city",
            geo_source="gazetteer",
        )
    )
    assert main(["check", str(path)]) == 0, capsys.readouterr().out


def test_rows_that_cannot_be_placed_are_listed_as_failures_with_their_reason(
    stations_csv, tmp_path: Path, capsys
) -> None:
    path = stations_csv(
        station("BV-unpublished-1"),  # Bouvet Island: no Natural Earth feature of its own
        station("FR-paris-1", city="Paris", geo_source="manual"),
        station("FR-lyon-1", city="Lyon"),
    )
    assert main(["geocode", str(path), "--offline", "--cache", str(tmp_path / "c.json")]) == 0
    out = capsys.readouterr().out
    assert "failures (2):" in out
    assert "BV-unpublished-1: no boundary for BV" in out
    assert "FR-paris-1: manual row without coordinates" in out
    rows = read_csv(path)
    assert rows["BV-unpublished-1"]["lat"] == "" and rows["FR-paris-1"]["lat"] == ""
    assert rows["FR-lyon-1"]["geo_source"] == "gazetteer"


def test_progress_bar_shows_on_request(stations_csv, tmp_path: Path, capsys) -> None:
    path = stations_csv(station("FR-paris-1", city="Paris"), station("FR-lyon-1", city="Lyon"))
    assert main(["geocode", str(path), "--offline", "--progress", "--cache", str(tmp_path / "c.json")]) == 0
    err = capsys.readouterr().err
    assert "geocoding" in err and "2/2" in err


def test_a_file_edited_during_the_run_is_not_overwritten(stations_csv, tmp_path: Path) -> None:
    from geo.cache import GeoCache
    from geo.csvio import InputError, read_table, write_table
    from geo.geocode import Geocoder

    path = stations_csv(station("FR-paris-1", city="Paris"))
    table = read_table(path)
    Geocoder(GeoCache(tmp_path / "c.json"), None, say=lambda message: None).run(table, progress=False)
    edited = path.read_bytes().replace(b"medium", b"high")
    path.write_bytes(edited)  # a teammate saves the file meanwhile
    with pytest.raises(InputError, match="changed while geocoding"):
        write_table(table)
    assert path.read_bytes() == edited
