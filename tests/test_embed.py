"""The embed layout's words: the one-line view summary, the credit, the app's own address."""

from __future__ import annotations

import pytest

from stations.view import embed
from stations.view.filters import Filters

COUNTRIES = {"IT": "Italy", "ES": "Spain", "NL": "Netherlands", "FR": "France", "DE": "Germany"}


@pytest.mark.parametrize(
    ("filters", "count", "expected"),
    [
        (Filters(), 101, "All 101 reported stations"),
        (Filters(country=("IT", "ES")), 12, "12 stations in Italy, Spain"),
        (Filters(country=("IT",), bureau=("Qingtian",)), 1, "1 station in Italy · bureau Qingtian"),
        (
            Filters(bureau=("Fuzhou",), wave=("later",)),
            3,
            "3 stations · bureau Fuzhou · listed in later reporting",
        ),
        (
            Filters(action=("station_closed",)),
            17,
            "17 stations in countries whose government's action was Station closed",
        ),
        (
            Filters(country=("IT", "ES", "NL", "FR", "DE")),
            40,
            "40 stations in Italy, Spain, Netherlands and 2 more",
        ),
        (Filters(station="NL-rotterdam-1"), 101, "All 101 reported stations"),
    ],
)
def test_filter_summary_says_the_view_in_one_line(filters: Filters, count: int, expected: str) -> None:
    assert embed.filter_summary(filters, COUNTRIES, count) == expected


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
