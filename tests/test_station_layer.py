"""The station layer's script (static/js/station-layer.js) in Chromium, without Streamlit.

The map's standalone page is served from a loopback HTTP server laid out like the app (the page
at ``component/map/``, the assets at ``app/static/``), so the relative asset URLs resolve exactly
as they do inside the st_folium iframe. The layer's contracts are checked where they run: the
``selected`` option opens that station's popup, and sources given as ``[url, label]`` pairs or as
plain URLs become safe links.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from stations.data import load, model, vocab
from stations.map import mapping
from tests.support.browser import (
    STATIC_DIR,
    RequestLog,
    browser_context,  # noqa: F401 (fixture)
    chromium_browser,  # noqa: F401 (fixture)
)

#: A real Chromium draws the layer: a browser suite, outside the fast lane.
pytestmark = pytest.mark.e2e

LABELLED = "Le Monde: <b>enquête</b>"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``(base URL, document root)`` of a loopback server laid out like the app."""
    root = tmp_path_factory.mktemp("site")
    (root / "app").mkdir()
    (root / "app" / "static").symlink_to(STATIC_DIR, target_is_directory=True)
    (root / "component" / "map").mkdir(parents=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def write_map(root: Path, name: str, dataset: load.Dataset, **kwargs: object) -> str:
    """Render the map of ``dataset`` (first station's sources replaced) as ``component/map/name``."""
    stations = dataset.stations
    summary = model.country_actions(stations, dataset.responses)
    table = mapping.station_payload(stations)
    table["columns"]["sources"][0] = [
        ["https://news.example.org/a?b=1", LABELLED],
        ["https://www.other.example.net/story", ""],
        "https://plain.example.com/path/x",
        ["javascript:alert(1)", "never a link"],
        "data:text/html,<script>alert(1)</script>",
    ]
    layer = mapping.layer_data(stations, summary, None, stations_json=mapping.script_json(table))
    html = mapping.map_of_layer(layer, **kwargs).get_root().render()
    (root / "component" / "map" / name).write_text(html, "utf-8")
    return f"component/map/{name}"


def test_selected_station_is_shown_with_its_popup_and_labelled_source_links(
    browser_context: object,  # noqa: F811 (fixture)
    site: tuple[str, Path],
    data_dir: Path,
) -> None:
    base, root = site
    dataset = load.load_dataset(data_dir)
    first = str(dataset.stations["station_id"].iloc[0])
    path = write_map(root, "selected.html", dataset, selected=first)
    log = RequestLog().attach(browser_context)
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + path)
    popup = page.locator(".leaflet-popup .station-popup")
    popup.wait_for(state="visible", timeout=20_000)
    assert first in popup.inner_text()
    links = popup.locator("a").evaluate_all(
        "as => as.map(a => ({href: a.getAttribute('href'), text: a.textContent, target: a.target, rel: a.rel}))"
    )
    assert [(link["href"], link["text"]) for link in links] == [
        ("https://news.example.org/a?b=1", LABELLED),
        ("https://www.other.example.net/story", "other.example.net"),
        ("https://plain.example.com/path/x", "plain.example.com"),
    ]
    for link in links:
        assert link["target"] == "_blank"
        assert set(link["rel"].split()) >= {"noopener", "noreferrer"}
    assert popup.locator("b, script").count() == 0  # the label is text, not markup
    assert errors == []
    assert log.external() == [] and log.local_failures() == []


#: True once the layer is done with what it does by itself after loading: every marker is in
#: (markers are added in chunks), the zero-delay timer that then opens a selected station's
#: popup has run (it was queued when the last chunk went in: a timer set once every marker is in
#: runs after it), and no zoom, cluster or spread animation is going (the popup opens as the
#: last one ends). A plain predicate: Playwright takes a returned promise for a true value.
_LAYER_SETTLED_JS = """() => {
  const map = Object.values(window).find(v => { try { return v instanceof L.Map; } catch (e) { return false; } });
  const layer = map && Object.values(map._layers).find(l => l.cluster && l.unplaced && l.markers);
  if (!layer) { return false; }
  const groups = [layer.cluster, layer.unplaced];
  if (groups.reduce((n, g) => n + g.getLayers().length, 0) !== layer.markers.length) { return false; }
  if (window.__afterChunks === undefined) {
    window.__afterChunks = false;
    setTimeout(() => { window.__afterChunks = true; }, 0);
  }
  return window.__afterChunks && !map._animatingZoom && !document.querySelector(".leaflet-cluster-anim")
    && groups.every(g => !g._inZoomAnimation);
}"""


def _open_settled(context: object, url: str) -> tuple[object, list[str]]:
    """Open a map page and wait until its layer has settled (see ``_LAYER_SETTLED_JS``)."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.locator(".station-pin, .station-cluster").first.wait_for(state="visible", timeout=20_000)
    page.wait_for_function(_LAYER_SETTLED_JS, timeout=20_000)
    return page, errors


def test_without_selection_no_popup_opens_and_markers_draw(
    browser_context: object,  # noqa: F811 (fixture)
    site: tuple[str, Path],
    data_dir: Path,
) -> None:
    base, root = site
    dataset = load.load_dataset(data_dir)
    # The positive control: with a selection, the popup is open by the time the layer settles.
    selected = str(dataset.stations["station_id"].iloc[0])
    control, control_errors = _open_settled(
        browser_context, base + write_map(root, "control.html", dataset, selected=selected)
    )
    assert control.locator(".leaflet-popup .station-popup").count() == 1, (
        "the wait ends before a popup would open"
    )
    assert control_errors == []
    page, errors = _open_settled(browser_context, base + write_map(root, "plain.html", dataset))
    assert page.locator(".leaflet-popup").count() == 0
    # The stylesheet came from its own file: the pins are round.
    radius = page.locator(".station-pin, .station-cluster").first.evaluate(
        "e => getComputedStyle(e).borderRadius"
    )
    assert radius == "50%"
    assert errors == []


#: The popup's lines as drawn: [[label, value], ...].
_POPUP_LINES_JS = (
    """p => [...p.querySelectorAll("dt")].map(dt => [dt.textContent, dt.nextElementSibling.textContent])"""
)


def _open_popup(context: object, url: str) -> tuple[object, list[str]]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    popup = page.locator(".leaflet-popup .station-popup")
    popup.wait_for(state="visible", timeout=20_000)
    return popup, errors


def test_popup_lines_are_the_field_table_read_as_the_panel_reads_it(
    browser_context: object,  # noqa: F811 (fixture)
    site: tuple[str, Path],
    data_dir: Path,
) -> None:
    """Every line of vocab.STATION_FIELDS, in order and in the words StationField.text gives
    (which the station panel shows), then the host government's actions."""
    base, root = site
    dataset = load.load_dataset(data_dir)
    station = dataset.stations.iloc[3]
    path = write_map(root, "fields.html", dataset, selected=station["station_id"])
    popup, errors = _open_popup(browser_context, base + path)
    row = station.copy()
    row["address"] = model.public_address(dataset.stations.iloc[[3]]).iloc[0]
    expected = [[f.label, f.text(row)] for f in vocab.STATION_FIELDS if f.text(row)]
    lines = popup.evaluate(_POPUP_LINES_JS)
    assert lines[: len(expected)] == expected
    assert ["Placed at", vocab.PRECISION_LABELS[station["geo_precision"]]] in lines
    assert [label for label, _ in lines[len(expected) :]] == ["Host government"]
    assert errors == []


def test_a_new_popup_line_needs_only_an_entry_in_the_field_table(
    browser_context: object,  # noqa: F811 (fixture)
    site: tuple[str, Path],
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A column added to vocab.STATION_FIELDS travels in the payload and shows in the popup,
    as text, with no change to the layer's script."""
    base, root = site
    dataset = load.load_dataset(data_dir)
    stations = dataset.stations.copy()
    stations.loc[stations.index[0], "notes"] = "Seen <b>twice</b> & noted"
    stations.loc[stations.index[0], "confidence"] = "medium"
    extra = (
        vocab.StationField("notes", "Notes"),
        vocab.StationField("confidence", "How sure", {"medium": "medium: one good source"}),
    )
    monkeypatch.setattr(vocab, "STATION_FIELDS", (*vocab.STATION_FIELDS, *extra))
    monkeypatch.setattr(mapping, "PAYLOAD_FIELDS", mapping.payload_fields())
    assert {"notes", "confidence"} <= set(mapping.PAYLOAD_FIELDS)
    path = write_map(
        root, "new-field.html", dataclasses.replace(dataset, stations=stations),
        selected=str(stations["station_id"].iloc[0]),
    )  # fmt: skip
    popup, errors = _open_popup(browser_context, base + path)
    lines = popup.evaluate(_POPUP_LINES_JS)
    assert ["Notes", "Seen <b>twice</b> & noted"] in lines
    assert ["How sure", "medium: one good source"] in lines
    assert popup.locator("b").count() == 0
    assert errors == []
