"""The embed layout's words: which addresses ask for it, the one-line view summary, the credit."""

from __future__ import annotations

import pytest

from stations.view import embed

COUNTRIES = {"IT": "Italy", "ES": "Spain", "NL": "Netherlands", "FR": "France", "DE": "Germany"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"embed": "true"}, True),
        ({"embed": ["True"]}, True),
        ({"embed": "false"}, False),
        ({"embed_options": "show_toolbar"}, False),
        ({}, False),
    ],
)
def test_embed_is_asked_for_with_embed_true(params: dict, expected: bool) -> None:
    assert embed.is_embed(params) is expected


@pytest.mark.parametrize(
    ("params", "count", "expected"),
    [
        ({}, 101, "All 101 reported stations"),
        ({"country": "IT,ES"}, 12, "12 stations in Italy, Spain"),
        ({"country": "IT", "bureau": "qingtian"}, 1, "1 station in Italy · bureau Qingtian"),
        ({"bureau": "fuzhou", "wave": "later"}, 3, "3 stations · bureau Fuzhou · report reported later"),
        ({"action": "station_closed"}, 17, "17 stations · host action Station closed"),
        (
            {"country": "IT,ES,NL,FR,DE"},
            40,
            "40 stations in Italy, Spain, Netherlands and 2 more",
        ),
        ({"station": "NL-rotterdam-1", "embed": "true"}, 101, "All 101 reported stations"),
    ],
)
def test_filter_summary_says_the_view_in_one_line(params: dict, count: int, expected: str) -> None:
    assert embed.filter_summary(params, COUNTRIES, count) == expected


def test_credit_line_names_sources_version_licence_and_links_to_the_full_view() -> None:
    text, link = embed.credit_line("2026-11-23", "2026-11-23", "https://x.org/?country=IT")
    assert text == (
        "Source: Safeguard Defenders; government and press reports. "
        "110 Overseas station tracker, data version 2026-11-23, CC BY 4.0."
    )
    assert link == "https://x.org/?country=IT"
    assert "data of 2026-11-20" in embed.credit_line(None, "2026-11-20", "/")[0]


@pytest.mark.parametrize(
    ("origin", "base_path", "expected"),
    [
        ("http://127.0.0.1:8501", "", "http://127.0.0.1:8501"),
        ("https://maps.example.org", "/tracker/", "https://maps.example.org/tracker"),
        ("null", "", None),
        (None, "", None),
        ("file://", "", None),
    ],
)
def test_frame_base_is_the_apps_own_address(origin: str | None, base_path: str, expected: str | None) -> None:
    assert embed.frame_base(origin, base_path) == expected
