"""Chinese names of the places and bureaus in the data, each traceable to where it comes from.

Readers of the Chinese pages need the cities, countries and bureaus in the names Chinese-language
sources use. None of them is typed by hand without a source:

* **countries** come from the Unicode CLDR through Babel (``country_name``);
* **bureaus** are their official names, kept beside the English ones in ``vocab.BUREAU_NAMES_ZH``;
* **cities** come from the register ``data/places_zh.csv``: one row per city of ``stations.csv``,
  with the source that uses the name (a Chinese-language outlet, a government page, or the CLDR
  exemplar city of a time zone, written ``cldr:<zone>``).

Traditional Chinese is derived from the Simplified name with OpenCC (``s2twp``, Taiwan usage);
``city_zh_hant`` holds a sourced override only where usage differs from that conversion (Sydney is
悉尼 in Simplified but 雪梨 in Taiwan). The validator (``place_problems``) checks the register
itself and that every station city and every bureau of ``stations.csv`` has a Chinese name.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd

from stations.data import vocab
from stations.data.load import Problem, lines_of, read_records

Script = Literal["Hans", "Hant"]
SCRIPTS: tuple[Script, ...] = ("Hans", "Hant")

PLACES_FILE = "places_zh.csv"
PLACE_COLUMNS: tuple[str, ...] = (
    "iso2",
    "city",
    "city_zh",
    "city_zh_hant",
    "city_zh_hant_source",
    "source",
    "source_kind",
    "notes",
)
#: Where a name comes from, strongest first: the report's author, a government page, a
#: Chinese-language news outlet, the CLDR exemplar city of a time zone, a reference work; and
#: ``none``: the city is recorded but no source was found yet (``city_zh`` stays empty, ``notes``
#: says what was searched, and the Chinese pages show the English name).
SOURCE_KINDS: tuple[str, ...] = ("report_author", "government", "news", "cldr", "reference", "none")
NO_SOURCE = "none"
CLDR_PREFIX = "cldr:"
_URL = re.compile(r"^https?://[^\s/$.?#][^\s|]*$", re.IGNORECASE)
_HAN = re.compile(r"^[\u3400-\u9fff\u00b7\u2027\-]+$")


@cache
def _locale(script: Script):  # noqa: ANN202 - babel.Locale; imported lazily (start-up cost)
    from babel import Locale

    return Locale.parse(f"zh_{script}")


def country_name(iso2: str, script: Script = "Hans") -> str:
    """The country's name in Simplified or Traditional Chinese, from CLDR (never typed by hand).

    Raises ``KeyError`` for a code CLDR does not name, so that a wrong code cannot pass as a name.
    """
    return _locale(script).territories[iso2.upper()]


def cldr_city(zone: str, script: Script = "Hans") -> str | None:
    """The CLDR exemplar city of a time zone (``Europe/Rome`` -> 罗马 / 羅馬), or None."""
    return _locale(script).time_zones.get(zone, {}).get("city")


@cache
def _converter():  # noqa: ANN202 - opencc.OpenCC
    import opencc

    return opencc.OpenCC("s2twp")


def traditional(text: str) -> str:
    """Simplified -> Traditional with Taiwan usage (OpenCC ``s2twp``)."""
    return _converter().convert(text)


def bureau_name(bureau: str, script: Script = "Hans") -> str | None:
    """The official Chinese name of a named bureau (福州市公安局) or of a sub-unit in
    ``bureau_district`` (瑞安市公安局); None for Other and Unknown."""
    name = vocab.BUREAU_NAMES_ZH.get(bureau) or vocab.BUREAU_DISTRICT_NAMES_ZH.get(bureau)
    if name is None or script == "Hans":
        return name
    return traditional(name)


def city_names(places: pd.DataFrame, script: Script = "Hans") -> dict[tuple[str, str], str]:
    """``(iso2, city) -> name`` of the register's cities that have a sourced name, in ``script``:
    Traditional is ``city_zh_hant`` where the register gives one (a sourced Taiwan usage), else
    the OpenCC derivation of ``city_zh``. A city without a name is left out (pages then show the
    English name)."""
    named = places[(places["city_zh"] != "") & (places["source_kind"] != NO_SOURCE)]
    names = {}
    for iso2, city, hans, hant in zip(
        named["iso2"], named["city"], named["city_zh"], named["city_zh_hant"], strict=True
    ):
        names[(iso2, city)] = hans if script == "Hans" else (hant or traditional(hans))
    return names


def read_places(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """The register (indexed by line number) and every defect in it."""
    name = str(path)
    frame, _, problems = read_records(path, PLACE_COLUMNS, name)
    frame = frame.fillna("").astype(str).apply(lambda column: column.str.strip())
    if any(p.column == "header" or p.line == 0 for p in problems):
        return frame.iloc[0:0], problems
    return frame, problems + _register_problems(frame, name)


def _register_problems(frame: pd.DataFrame, name: str) -> list[Problem]:
    found: list[tuple[int, str, str]] = []  # (line, column, message): the frame's index is the line

    def flag(mask: pd.Series, column: str, message: str) -> None:
        found.extend((int(i), column, message) for i in mask[mask].index)

    flag(frame["iso2"].str.fullmatch(r"[A-Z]{2}") == False, "iso2", "must be an ISO 3166-1 alpha-2 code")  # noqa: E712
    flag(frame["city"] == "", "city", "must not be empty (country-level rows need no Chinese city)")
    flag(frame.duplicated(["iso2", "city"], keep="first"), "city", "duplicate iso2 + city")
    kinds = list(SOURCE_KINDS)
    flag(
        ~frame["source_kind"].isin(kinds), "source_kind", f"unknown source_kind; allowed: {', '.join(kinds)}"
    )
    pending = frame["source_kind"] == NO_SOURCE
    flag(
        ~pending & ~frame["city_zh"].str.fullmatch(_HAN.pattern),
        "city_zh",
        "must be the name in Chinese characters",
    )
    flag(
        pending & (frame["city_zh"] + frame["source"] + frame["city_zh_hant"] != ""),
        "city_zh",
        "a row without source has no name and cites nothing",
    )
    flag(
        pending & (frame["notes"] == ""),
        "notes",
        "say what was searched for a city that has no sourced name yet",
    )
    cldr = frame["source_kind"] == "cldr"
    is_url = frame["source"].str.fullmatch(_URL.pattern, case=False).fillna(False)
    flag(cldr & ~frame["source"].str.startswith(CLDR_PREFIX), "source", "a cldr name cites cldr:<time zone>")
    flag(~cldr & ~pending & ~is_url, "source", "must be the http(s) URL of a page that uses the name")
    hant = frame["city_zh_hant"]
    hant_source = frame["city_zh_hant_source"]
    flag(
        (hant != "") & ~hant.str.fullmatch(_HAN.pattern),
        "city_zh_hant",
        "must be the name in Chinese characters",
    )
    flag((hant != "") != (hant_source != ""), "city_zh_hant_source", "an override and its source go together")
    hant_cldr = hant_source.str.startswith(CLDR_PREFIX)
    hant_url = hant_source.str.fullmatch(_URL.pattern, case=False).fillna(False)
    flag(
        (hant_source != "") & ~hant_cldr & ~hant_url,
        "city_zh_hant_source",
        "must be a URL or cldr:<time zone>",
    )
    derived = frame["city_zh"].map(lambda name: traditional(name) if name else "")
    flag((hant != "") & (hant == derived), "city_zh_hant", "equals OpenCC s2twp of city_zh: leave it empty")
    # A CLDR name is checked against CLDR itself, so a typo cannot hide behind the citation.
    for column, source, script in (
        ("city_zh", "source", "Hans"),
        ("city_zh_hant", "city_zh_hant_source", "Hant"),
    ):
        rows = frame[frame[source].str.startswith(CLDR_PREFIX)]
        zones = rows[source].str.removeprefix(CLDR_PREFIX)
        expected = zones.map(lambda zone, script=script: cldr_city(zone, script) or "")
        flag(
            (rows[column] != expected).reindex(frame.index, fill_value=False),
            column,
            f"differs from the CLDR zh_{script} exemplar city of the cited time zone",
        )
    return [Problem(name, line, column, message) for line, column, message in sorted(found)]


def place_problems(
    stations: pd.DataFrame, stations_name: str, directory: str | os.PathLike[str]
) -> list[Problem]:
    """Every station city has a Chinese name in the register, every named bureau an official
    Chinese name; with the register's own defects. Nothing is checked where the data directory
    has no register (synthetic and downloaded data)."""
    path = Path(directory) / PLACES_FILE
    if not path.exists() or not {"iso2", "city", "bureau"} <= set(stations.columns):
        return []
    places, problems = read_places(path)
    lines = pd.Series(lines_of(stations), index=stations.index)
    # A city must be recorded; a recorded city without a sourced name (source_kind none) is a
    # known gap, listed in the register, not a silent one.
    named = places[["iso2", "city"]].drop_duplicates()
    keyed = stations[["iso2", "city"]].merge(named.assign(_named=True), how="left", on=["iso2", "city"])
    missing = (stations["city"].str.strip() != "").to_numpy() & keyed["_named"].isna().to_numpy()
    for line, iso2, city in zip(
        lines[missing], stations["iso2"][missing], stations["city"][missing], strict=True
    ):
        problems.append(
            Problem(
                stations_name,
                int(line),
                "city",
                f"'{city}' ({iso2}) is not in {PLACES_FILE}: add its Chinese name and source",
            )
        )
    unnamed = ~stations["bureau"].isin(list(vocab.BUREAU_NAMES_ZH) + list(vocab.BUREAUS_WITHOUT_NAME))
    for line, bureau in zip(lines[unnamed], stations["bureau"][unnamed], strict=True):
        problems.append(
            Problem(
                stations_name,
                int(line),
                "bureau",
                f"'{bureau}' has no official Chinese name in vocab.BUREAU_NAMES_ZH",
            )
        )
    district = stations.get("bureau_district", pd.Series("", index=stations.index)).str.strip()
    unnamed = (district != "") & ~district.isin(list(vocab.BUREAU_DISTRICT_NAMES_ZH))
    for line, value in zip(lines[unnamed], district[unnamed], strict=True):
        problems.append(
            Problem(
                stations_name,
                int(line),
                "bureau_district",
                f"'{value}' has no official Chinese name in vocab.BUREAU_DISTRICT_NAMES_ZH",
            )
        )
    return problems
