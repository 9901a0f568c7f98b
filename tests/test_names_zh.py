"""Chinese names: countries from CLDR, bureaus by their official names, cities from the register.

Each rule of the register and of the station check is reported with file, line and column.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from stations.data import load, names_zh, synthetic, validate, vocab

ROOT = Path(__file__).resolve().parent.parent

# (iso2, city) of the synthetic rows, with a sourced name each.
NAMED = {
    ("NL", "Amsterdam"): ("阿姆斯特丹", "cldr:Europe/Amsterdam", "cldr"),
    ("IT", "Rome"): ("罗马", "cldr:Europe/Rome", "cldr"),
    ("FR", "Paris"): ("巴黎", "https://news.example/paris", "news"),
    ("US", "New York"): ("纽约", "https://news.example/new-york", "news"),
    ("BR", "Brasilia"): ("巴西利亚", "https://gov.example/brasilia", "government"),
    ("JP", "Tokyo"): ("东京", "cldr:Asia/Tokyo", "cldr"),
    ("ZA", "Pretoria"): ("比勒陀利亚", "https://news.example/pretoria", "news"),
    ("AU", "Canberra"): ("堪培拉", "https://news.example/canberra", "news"),
    ("IE", "Dublin"): ("都柏林", "https://news.example/dublin", "news"),
    ("HU", "Budapest"): ("布达佩斯", "cldr:Europe/Budapest", "cldr"),
}


def _place_rows() -> list[dict[str, str]]:
    return [
        {
            "iso2": iso2,
            "city": city,
            "city_zh": zh,
            "city_zh_hant": "",
            "city_zh_hant_source": "",
            "source": source,
            "source_kind": kind,
            "notes": "",
        }
        for (iso2, city), (zh, source, kind) in NAMED.items()
    ]


def _write(
    tmp_path: Path, places: list[dict[str, str]], stations: list[dict[str, str]] | None = None
) -> Path:
    directory = synthetic.write_dataset(tmp_path / "data", stations=stations or synthetic.stations_rows(12))
    with (directory / names_zh.PLACES_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, names_zh.PLACE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(places)
    return directory


def _problems(directory: Path) -> list[load.Problem]:
    return validate.validate_paths([directory / "stations.csv", directory / "responses.csv"])


def test_country_names_come_from_cldr_in_both_scripts() -> None:
    assert names_zh.country_name("IT", "Hans") == "意大利"
    assert names_zh.country_name("IT", "Hant") == "義大利"
    assert names_zh.country_name("nz", "Hant") == "紐西蘭"
    with pytest.raises(KeyError):
        names_zh.country_name("QQ")


def test_every_named_bureau_has_its_official_name() -> None:
    named = [b for b in vocab.BUREAUS if b not in vocab.BUREAUS_WITHOUT_NAME]
    assert sorted(vocab.BUREAU_NAMES_ZH) == sorted(named)
    assert names_zh.bureau_name("Qingtian") == "青田县公安局"
    assert names_zh.bureau_name("Qingtian", "Hant") == "青田縣公安局"
    assert names_zh.bureau_name("Ruian") == "瑞安市公安局"
    assert names_zh.bureau_name("Unknown") is None


def test_traditional_follows_taiwan_usage() -> None:
    assert names_zh.traditional("意大利") == "義大利"
    assert names_zh.cldr_city("Australia/Sydney", "Hant") == "雪梨"


def test_a_complete_register_passes(tmp_path: Path) -> None:
    assert _problems(_write(tmp_path, _place_rows())) == []


def test_no_register_means_no_check(tmp_path: Path) -> None:
    directory = synthetic.write_dataset(tmp_path / "data", stations=synthetic.stations_rows(12))
    assert _problems(directory) == []


def test_a_city_missing_from_the_register_is_reported_at_each_station(tmp_path: Path) -> None:
    places = [row for row in _place_rows() if row["city"] != "Rome"]
    stations = synthetic.stations_rows(12)
    found = _problems(_write(tmp_path, places, stations))
    rome_lines = [i + 2 for i, row in enumerate(stations) if row["city"] == "Rome"]
    assert rome_lines
    assert [(p.file.endswith("stations.csv"), p.line, p.column) for p in found] == [
        (True, line, "city") for line in rome_lines
    ], found
    assert all("'Rome' (IT) is not in places_zh.csv" in p.message for p in found)


def test_a_bureau_without_official_name_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        vocab, "BUREAU_NAMES_ZH", {k: v for k, v in vocab.BUREAU_NAMES_ZH.items() if k != "Nantong"}
    )
    stations = synthetic.stations_rows(12)
    found = _problems(_write(tmp_path, _place_rows(), stations))
    lines = [i + 2 for i, row in enumerate(stations) if row["bureau"] == "Nantong"]
    assert lines
    assert [(p.line, p.column) for p in found] == [(line, "bureau") for line in lines], found


def test_a_district_without_official_name_is_reported(tmp_path: Path) -> None:
    stations = synthetic.stations_rows(12)
    stations[4]["bureau_district"] = "Nowhere"
    found = _problems(_write(tmp_path, _place_rows(), stations))
    assert [(p.line, p.column) for p in found] == [(6, "bureau_district")], found


@pytest.mark.parametrize(
    ("change", "column", "fragment"),
    [
        ({"city_zh": "Rome"}, "city_zh", "in Chinese characters"),
        ({"source": "not a url", "source_kind": "news"}, "source", "http(s) URL"),
        ({"source_kind": "blog"}, "source_kind", "unknown source_kind"),
        ({"source": "https://news.example/rome", "source_kind": "cldr"}, "source", "cites cldr:<time zone>"),
        ({"city_zh": "罗马城"}, "city_zh", "differs from the CLDR zh_Hans exemplar city"),
        (
            {"city_zh_hant": "羅馬", "city_zh_hant_source": "cldr:Europe/Rome"},
            "city_zh_hant",
            "equals OpenCC s2twp",
        ),
        ({"city_zh_hant": "羅馬城"}, "city_zh_hant_source", "go together"),
        (
            {"city_zh_hant": "羅馬城", "city_zh_hant_source": "cldr:Europe/Rome"},
            "city_zh_hant",
            "differs from the CLDR zh_Hant exemplar city",
        ),
        ({"city_zh": "", "source": "", "source_kind": "none", "notes": ""}, "notes", "say what was searched"),
        ({"source_kind": "none", "notes": "searched"}, "city_zh", "has no name and cites nothing"),
        ({"iso2": "it"}, "iso2", "ISO 3166-1"),
    ],
)
def test_each_register_rule_names_file_line_and_column(
    tmp_path: Path, change: dict[str, str], column: str, fragment: str
) -> None:
    places = _place_rows()
    places[1].update(change)  # Rome, register line 3
    found = [p for p in _problems(_write(tmp_path, places)) if p.file.endswith(names_zh.PLACES_FILE)]
    assert any(p.line == 3 and p.column == column and fragment in p.message for p in found), found
    assert all(p.line == 3 for p in found), found


def test_a_duplicate_city_is_reported_on_its_second_line(tmp_path: Path) -> None:
    places = _place_rows()
    places.append(dict(places[0]))
    found = _problems(_write(tmp_path, places))
    assert [(p.line, p.column) for p in found] == [(len(places) + 1, "city")], found


def test_a_city_without_sourced_name_is_a_listed_gap_not_an_error(tmp_path: Path) -> None:
    places = _place_rows()
    places[1].update(city_zh="", source="", source_kind="none", notes="Not yet searched.")
    assert _problems(_write(tmp_path, places)) == []


def test_the_committed_register_covers_every_station_city() -> None:
    places, problems = names_zh.read_places(ROOT / "data" / names_zh.PLACES_FILE)
    assert problems == []
    stations, _ = load.check_stations(ROOT / "data" / "stations.csv")
    cities = set(zip(stations["iso2"], stations["city"], strict=True)) - {(c, "") for c in stations["iso2"]}
    assert cities == set(zip(places["iso2"], places["city"], strict=True))


def test_city_names_in_each_script_come_from_the_register() -> None:
    places, problems = names_zh.read_places(ROOT / "data" / names_zh.PLACES_FILE)
    assert problems == []
    hans, hant = (names_zh.city_names(places, script) for script in names_zh.SCRIPTS)
    assert hans[("IT", "Rome")] == "罗马" and hant[("IT", "Rome")] == "羅馬"  # OpenCC of the name
    assert hans[("AU", "Sydney")] == "悉尼" and hant[("AU", "Sydney")] == "雪梨"  # the sourced override
    assert ("IT", "Bolzano") not in hans and ("IT", "Bolzano") not in hant  # no sourced name yet
    named = places[places["source_kind"] != names_zh.NO_SOURCE]
    assert len(hans) == len(hant) == len(named) > 40
