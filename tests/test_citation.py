"""Citing, licensing, naming downloads and suggesting corrections: the pure parts, and the
repository files that go with them (LICENSE, data/LICENSE, CITATION.cff, the issue form)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from stations.data import datapackage
from stations.view import citation
from stations.view.filters import Filters
from stations.web.nav import PAGES

ROOT = Path(__file__).resolve().parent.parent


# The app's address ------------------------------------------------------------------------------


PATHS = [page.path for page in PAGES.values()]


def test_public_base_prefers_the_configured_address_and_drops_query_and_fragment() -> None:
    browser = "http://127.0.0.1:8501/"
    assert citation.public_base(browser, PATHS, {}) == "http://127.0.0.1:8501"
    configured = {citation.PUBLIC_URL_ENV: "https://news.example/map/?x=1"}
    assert citation.public_base(browser, PATHS, configured) == "https://news.example/map"
    assert citation.public_base(None, PATHS, {}) == ""
    assert citation.public_base("https://x.org/app/Data_and_sources", PATHS, {}) == "https://x.org/app"
    assert citation.public_base("https://x.org/Government_responses/", PATHS, {}) == "https://x.org"


def test_the_page_list_names_every_page_of_the_app_by_its_address() -> None:
    """Streamlit derives a page's address from its file name: the registry must agree."""
    scripts = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))
    assert sorted(page.script for page in PAGES.values() if page.key != "map") == scripts
    for page in PAGES.values():
        assert (ROOT / page.script).is_file()
        if page.script != "app.py":
            assert page.path == Path(page.script).stem.split("_", 1)[1]


# The citation ----------------------------------------------------------------------------------


def test_citation_names_title_version_date_licence_link_and_access_date() -> None:
    cite = citation.citation(
        "https://maps.example.org/?country=IT", "2026-11-27", "2026-11-27", dt.date(2026, 12, 3)
    )
    assert cite.title == citation.DATASET_TITLE
    assert cite.licence.spdx == "CC-BY-4.0"
    for part in (
        citation.DATASET_TITLE,
        "version 2026-11-27",
        "data of 2026-11-27",
        "CC BY 4.0",
        "https://maps.example.org/?country=IT",
        "accessed 2026-12-03",
        "Safeguard Defenders",
    ):
        assert part in cite.text
    assert cite.text.startswith(f"{citation.AUTHOR} (2026).")


def test_citation_without_a_recorded_version_says_so() -> None:
    cite = citation.citation("/", None, None, dt.date(2027, 1, 2))
    assert "version unversioned (data of unknown)" in cite.text
    assert cite.text.startswith(f"{citation.AUTHOR} (2027).")


# Download names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), "110-overseas_stations_v2026-11-27.csv"),
        (Filters(country=("IT", "NL")), "110-overseas_stations_country-IT-NL_v2026-11-27.csv"),
        (
            Filters(
                action=("station_closed",), country=("NL",), bureau=("Fuzhou",), wave=("sep-2022", "later")
            ),
            "110-overseas_stations_country-NL_bureau-fuzhou_wave-sep-2022-later_"
            "government-action-station-closed_v2026-11-27.csv",
        ),
        # a selected station does not change the rows
        (Filters(station="NL-rotterdam-1"), "110-overseas_stations_v2026-11-27.csv"),
        (
            Filters(country=("AT", "BE", "CZ", "DE", "ES", "FR")),
            "110-overseas_stations_country-AT-BE-CZ-and-3-more_v2026-11-27.csv",
        ),
    ],
)
def test_download_name_says_what_view_and_version_the_file_holds(filters: Filters, expected: str) -> None:
    assert citation.download_name("stations", filters, "2026-11-27", "csv") == expected


def test_download_name_without_a_version_and_with_a_second_bump_of_the_day() -> None:
    assert citation.download_name("responses", Filters(country=("NL",)), None, ".csv") == (
        "110-overseas_responses_country-NL.csv"
    )
    assert citation.download_name("stations", Filters(), "2026-11-27.2", "geojson") == (
        "110-overseas_stations_v2026-11-27-2.geojson"
    )


_TEXTS = st.lists(st.text(max_size=300), max_size=8).map(tuple)


@given(
    st.builds(Filters, country=_TEXTS, bureau=_TEXTS, wave=_TEXTS, action=_TEXTS),
    st.one_of(st.none(), st.text(max_size=30)),
)
def test_download_name_is_always_a_safe_short_file_name(filters: Filters, version: str | None) -> None:
    name = citation.download_name("stations", filters, version, "csv")
    stem, ext = name.rsplit(".", 1)
    assert ext == "csv"
    assert set(stem) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    assert stem.startswith("110-overseas_stations")
    assert len(name) < 255


# Embedding ------------------------------------------------------------------------------------


def test_embed_snippet_is_an_iframe_of_the_view_in_the_embed_layout() -> None:
    snippet = citation.embed_snippet("https://x.org/?country=IT,NL", "Map of reported stations", 640)
    assert snippet == (
        '<iframe src="https://x.org/?country=IT,NL&amp;embed=true" title="Map of reported stations" '
        'width="100%" height="640" style="border:0" loading="lazy" allowfullscreen></iframe>'
    )
    assert citation.embed_url("https://x.org/") == "https://x.org/?embed=true"
    assert (
        citation.embed_url("https://x.org/?embed=true&country=IT") == "https://x.org/?embed=true&country=IT"
    )


def test_embed_snippet_escapes_what_could_break_out_of_the_attribute() -> None:
    snippet = citation.embed_snippet('https://x.org/?q="><script>', 'A "title" <b>')
    assert "<script>" not in snippet and "<b>" not in snippet
    assert snippet.count('"') == 2 * 6  # six attributes with values, each quoted once


# Corrections -----------------------------------------------------------------------------------


def test_correction_url_opens_the_form_prefilled_with_row_and_link() -> None:
    link = "https://maps.example.org/?country=IT,NL&station=NL-rotterdam-1"
    url = citation.correction_url("https://github.com/org/repo/", "station", "NL-rotterdam-1", link)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://github.com/org/repo/issues/new"
    assert parse_qs(parts.query) == {
        "template": ["correction.yml"],
        "labels": ["correction"],
        "title": ["Correction to station NL-rotterdam-1"],
        "row_id": ["NL-rotterdam-1"],
        "link": [link],
    }


def test_correction_url_fields_are_the_ids_of_the_issue_form() -> None:
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / citation.CORRECTION_TEMPLATE).read_text())
    ids = {item["id"]: item for item in form["body"] if "id" in item}
    query = parse_qs(urlsplit(citation.correction_url("https://x.org/r", "station", "NL-a-1", "/")).query)
    prefilled = set(query) - {"template", "labels", "title"}
    assert prefilled == {"row_id", "link"}
    assert prefilled <= set(ids)
    # the reader is asked for the claim and its source
    assert ids["claim"]["type"] == "textarea" and ids["claim"]["validations"]["required"]
    assert ids["source"]["validations"]["required"]
    assert form["labels"] == query["labels"]
    assert form["name"] and form["description"]


def test_repository_url_is_configurable_with_a_default() -> None:
    assert citation.repository_url({}) == citation.DEFAULT_REPOSITORY == ""
    assert citation.repository_url({citation.REPOSITORY_ENV: "https://git.example/org/fork/"}) == (
        "https://git.example/org/fork"
    )


# Licences and CITATION.cff ---------------------------------------------------------------------


def test_code_is_mit_and_data_is_cc_by_4() -> None:
    code = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert code.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in code
    data = (ROOT / "data" / "LICENSE").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International Public License" in data
    assert "Section 8 -- Interpretation." in data  # the whole legal code, not a summary
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and citation.DATA_LICENCE.url in readme


#: Keys CITATION.cff 1.2.0 requires at the top level, and of each reference.
CFF_REQUIRED = {"cff-version", "message", "title", "authors"}
CFF_REFERENCE_REQUIRED = {"type", "title", "authors"}


def test_citation_cff_parses_and_agrees_with_the_app() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert set(cff) >= CFF_REQUIRED
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "dataset"
    assert cff["title"] == citation.DATASET_TITLE
    assert cff["license"] == citation.DATA_LICENCE.spdx
    assert cff.get("repository-code", "") == citation.DEFAULT_REPOSITORY
    assert cff["authors"] == [{"name": citation.AUTHOR}]
    for reference in cff["references"]:
        assert set(reference) >= CFF_REFERENCE_REQUIRED
        assert reference["url"].startswith("https://safeguarddefenders.com/")


def test_citation_cff_names_the_data_version_and_its_date() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    recorded = datapackage.data_version(ROOT / "data")
    assert recorded is not None
    assert str(cff["version"]) == recorded.version
    assert str(cff["date-released"]) == recorded.date
    if "url" in cff:  # only a deployment's real public address, never a guessed one
        assert cff["url"].startswith(("https://", "http://"))
