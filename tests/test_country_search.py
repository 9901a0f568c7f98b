"""Finding a country by what readers type (stations/view/country_search.py): the menu's search
entries against Streamlit's own ordering, and a pick in the app (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from stations.view import country_search

ROOT = Path(__file__).resolve().parent.parent
STATIONS = pd.read_csv(ROOT / "data" / "stations.csv", dtype=str, keep_default_na=False)
COUNTRIES = dict(zip(STATIONS["iso2"], STATIONS["country"], strict=False))
CODES = sorted(COUNTRIES, key=COUNTRIES.__getitem__)  # as the menu lists them: by name
MENU = country_search.menu(COUNTRIES, CODES)


def names_only() -> list[tuple[str, str]]:
    return [(code, COUNTRIES[code]) for code in CODES]


def test_the_port_of_streamlits_ordering_reproduces_what_the_review_saw() -> None:
    """With the names alone, "UK" listed Ukraine, United Kingdom, Uzbekistan, South Korea (the
    order the usability review recorded in Chromium) and "Ger" offered Nigeria after Germany."""
    assert country_search.streamlit_order("UK", names_only())[:4] == ["UA", "GB", "UZ", "KR"]
    assert country_search.streamlit_order("Ger", names_only()) == ["DE", "NG"]
    assert country_search.streamlit_order("Britain", names_only()) == []
    assert country_search.streamlit_order("Czechia", names_only()) == []


@pytest.mark.parametrize(
    ("typed", "iso2"),
    [
        ("UK", "GB"),
        ("uk", "GB"),
        ("Britain", "GB"),
        ("Great Britain", "GB"),
        ("GB", "GB"),
        ("Czechia", "CZ"),
        ("Holland", "NL"),
        ("US", "US"),
        ("USA", "US"),
        ("America", "US"),
        ("DE", "DE"),
        ("Ger", "DE"),
        ("Ukr", "UA"),
        ("Viet Nam", "VN"),
        ("Korea", "KR"),
        ("Nether", "NL"),
    ],
)
def test_enter_after_typing_picks_the_country_readers_mean(typed: str, iso2: str) -> None:
    assert MENU.first_for(typed) == iso2


def test_every_name_alias_and_code_leads_enter_to_its_own_country() -> None:
    wrong = [
        (term, code, MENU.first_for(term))
        for code in CODES
        for term in (COUNTRIES[code], *country_search.terms(code, COUNTRIES[code]))
        if MENU.first_for(term) != code
    ]
    assert wrong == []


def test_entries_come_after_the_names_and_only_where_the_names_alone_fail() -> None:
    assert MENU.options[: len(CODES)] == tuple(CODES)
    entries = MENU.options[len(CODES) :]
    assert entries and all(v.startswith(country_search.ENTRY_PREFIX) for v in entries)
    labels = [MENU.label(v) for v in entries]
    assert labels == sorted(labels, key=str.casefold)
    assert len(set(MENU.label(v) for v in MENU.options)) == len(MENU.options)  # labels are unique
    for value in entries:
        term = value.removeprefix(country_search.ENTRY_PREFIX)
        target = MENU.targets[value]
        # needed: the names alone would not lead this term to its country
        assert country_search.streamlit_order(term, names_only())[:1] != [target], term
        assert MENU.label(value) in (term, f"{term}{country_search.ENTRY_JOIN}{COUNTRIES[target]}")
    assert "US" not in [v.removeprefix("=") for v in entries]  # "United States" already comes first


def test_terms_come_from_iso_names_and_codes_plus_the_alias_table() -> None:
    assert country_search.terms("CZ", "Czech Republic") == ("CZ", "Czechia")
    assert country_search.terms("GB", "United Kingdom") == ("GB", "UK", "Britain", "Great Britain")
    assert country_search.terms("KR", "South Korea") == ("KR",)  # "Korea, Republic of" is no one's spelling
    assert country_search.terms("VN", "Vietnam") == ("VN", "Viet Nam")


def test_a_pick_of_an_entry_resolves_to_its_country_once() -> None:
    assert MENU.resolve(["IT", "=UK", "=Britain", "GB"]) == ["IT", "GB"]


def test_a_pick_of_uk_in_the_app_filters_to_the_united_kingdom(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STATIONS_DATA_DIR", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    box = at.multiselect(key="filter_country")
    assert "UK" in box.options  # the entry is offered, by its label
    box.set_value(["=UK"]).run()
    assert not at.exception
    assert at.multiselect(key="filter_country").value == ["GB"]
    assert at.query_params["country"] == "GB"
    assert at.metric[0].value == str((STATIONS["iso2"] == "GB").sum())
