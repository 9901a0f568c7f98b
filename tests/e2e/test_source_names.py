"""Readers see who says so: a click on a station shows its sources by outlet name, in the popup
and in the panel, with weak sources flagged, on the real server in headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from stations.data import publishers
from stations.data.load import load_dataset
from tests.support.browser import ROOT, streamlit_server
from tests.support.map_browser import (
    APP,
    open_session,
    reveal_and_click,
    single_station,
    source_urls,
    wait_for_count,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(150)]


@pytest.fixture(scope="module")
def dataset() -> Any:
    return load_dataset(ROOT / "data")


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with streamlit_server(APP, env={"STATION_MAP_TILES": "none"}) as base:
        yield base


def _expected_labels(row: pd.Series, register: publishers.Register) -> list[str]:
    return [publishers.label_for(u, register) for u in source_urls(row)]


def test_popup_and_panel_name_the_outlets_not_the_hosts(
    chromium_browser: Any, app_url: str, dataset: Any
) -> None:
    stations, register = dataset.stations, dataset.register
    row = single_station(stations)
    sid = str(row["station_id"])
    labels = _expected_labels(row, register)
    hosts = [publishers.host_of(u) for u in source_urls(row)]
    # The chosen station must make the test meaningful: its outlets have names unlike their hosts.
    assert any(label != host for label, host in zip(labels, hosts, strict=True)), (labels, hosts)
    session = open_session(chromium_browser, app_url)
    page = session.page
    try:
        assert wait_for_count(page, len(stations), 45).get("total") == len(stations)
        frame = reveal_and_click(page, sid)
        popup = frame.locator(".leaflet-popup .station-popup")
        popup.wait_for(state="visible", timeout=10_000)
        texts = popup.locator("a").all_inner_texts()
        assert texts == labels
        for text, label, host in zip(texts, labels, hosts, strict=True):
            if label != host:
                assert host not in text

        main = page.get_by_test_id("stMain")
        main.get_by_text("Sources (open in a new tab)").wait_for(timeout=15_000)
        for label, url in zip(labels, source_urls(row), strict=True):
            link = main.get_by_role("link", name=label, exact=True).first
            link.wait_for(timeout=15_000)
            assert link.get_attribute("href") == url
        main.get_by_text(re.compile(r"How sure: (high|medium|low), ")).first.wait_for(timeout=15_000)
    finally:
        page.context.close()


def test_panel_flags_a_weak_source_and_says_why_the_row_is_low(
    chromium_browser: Any, app_url: str, dataset: Any
) -> None:
    stations, register = dataset.stations, dataset.register
    weak = stations[
        stations["sources"].map(
            lambda s: any(register.tier(u) == "weak" for u in publishers.split_sources(s))
        )
        & stations["confidence"].eq("low")
    ]
    row = weak.sort_values("station_id").iloc[0]
    weak_label = next(
        publishers.label_for(u, register) for u in source_urls(row) if register.tier(u) == "weak"
    )
    assert weak_label.endswith("(weak source)")
    session = open_session(chromium_browser, f"{app_url.rstrip('/')}/?station={row['station_id']}")
    page = session.page
    try:
        main = page.get_by_test_id("stMain")
        main.get_by_role("link", name=weak_label, exact=True).first.wait_for(timeout=45_000)
        main.get_by_text(re.compile(r"How sure: low, one weak source")).first.wait_for(timeout=15_000)
    finally:
        page.context.close()
