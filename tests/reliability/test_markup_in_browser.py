"""In Chromium, no markup from the data runs: popups, tooltips, the panel, tables and the chart.

Every free-text field of both CSVs holds a payload that, if it ever ran, would set
``window.__pwned`` and the document title (or open a dialog). The test opens the map, hovers and
clicks every marker, opens the responses page and hovers the chart until its tooltip shows, then
the data page, and checks the flags in the top page AND in every frame (the st_folium iframe),
that no dialog opened, and that the payload text is visible literally where it belongs.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import (  # noqa: F401 (fixtures)
    RequestLog,
    browser_context,
    chromium_browser,
    streamlit_server,
    wait_for_markers,
)
from tests.support.reliability import PAYLOAD_ROWS, ROOT, record, write_payload_dataset
from tests.support.script_runs import runs_of, watch_runs

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

FLAGS_JS = "() => [window.__pwned === undefined ? null : String(window.__pwned), document.title]"
INJECTED = ".leaflet-popup-content img, .leaflet-popup-content svg, .leaflet-popup-content script, .leaflet-popup-content iframe, .leaflet-popup-content details"


@pytest.fixture(scope="module")
def payload_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, list[dict[str, str]], list[dict[str, str]]]]:
    directory = tmp_path_factory.mktemp("browser-markup") / "data"
    stations, responses = write_payload_dataset(directory)
    env = {"STATIONS_DATA_DIR": str(directory), "STATION_MAP_TILES": "none"}
    with streamlit_server(ROOT / "app.py", env=env) as base:
        yield base, stations, responses


#: The positive control, run in a frame: markup of the payloads' kinds (an image that fails to
#: load, a details element opened) put in the document now, whose handlers count in
#: ``window.__control``; removed once both have run. Resolves to the count.
CONTROL_JS = """async () => {
  window.__control = 0;
  const box = document.createElement("div");
  box.innerHTML = '<img src="x-control" onerror="window.__control += 1"><details open ontoggle="window.__control += 1"></details>';
  document.body.appendChild(box);
  const deadline = Date.now() + 10000;
  while (window.__control < 2 && Date.now() < deadline) { await new Promise(r => setTimeout(r, 20)); }
  box.remove();
  return window.__control;
}"""


def flags(page: object) -> list[tuple[str, object, str]]:
    """(frame url, __pwned, title) for every frame that shows a sign of a payload having run.

    Read once the page's script runs are over and a control, markup of the payloads' kinds put
    in each frame at that moment, has run its handlers: a payload put there earlier would have
    run its own by then."""
    runs_of(page).wait_idle(page)
    for frame in page.frames:
        try:
            ran = frame.evaluate(CONTROL_JS)
        except Exception:  # a frame that navigated away meanwhile
            continue
        assert ran == 2, f"the control markup did not run in {frame.url}: {ran}"
    bad = []
    for frame in page.frames:
        try:
            pwned, title = frame.evaluate(FLAGS_JS)
        except Exception:  # a frame that navigated away meanwhile
            continue
        if pwned is not None or title == "pwned":
            bad.append((frame.url, pwned, title))
    return bad


def coloured_spots(png: bytes, limit: int = 60) -> list[tuple[int, int]]:
    """Centres of saturated pixels in a screenshot, 8-px apart: where the chart's marks are."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    spots: dict[tuple[int, int], tuple[int, int]] = {}
    width, height = image.size
    pixels = image.load()
    for y in range(0, height, 2):
        for x in range(0, width, 2):
            r, g, b = pixels[x, y]
            if max(r, g, b) - min(r, g, b) > 40:
                spots.setdefault((x // 8, y // 8), (x, y))
    return list(spots.values())[:limit]


def chart_marks(page: object, chart: object, timeout_s: float = 30.0) -> list[tuple[int, int]]:
    """The chart's coloured marks, once it has drawn some (found on screenshots)."""
    deadline = time.monotonic() + timeout_s
    while not (spots := coloured_spots(chart.screenshot())):
        assert time.monotonic() < deadline, "the chart drew no coloured mark"
        page.wait_for_timeout(200)
    return spots


def hover_chart_points(page: object, chart: object) -> str:
    """Hover the chart's coloured marks until Vega's tooltip shows."""
    box = chart.bounding_box()
    for x, y in chart_marks(page, chart):
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(60)
        shown = page.locator("#vg-tooltip-element")
        if shown.count() and shown.first.is_visible() and shown.first.inner_text().strip():
            return shown.first.inner_text()
    return ""


def open_popup(page: object, base: str, i: int) -> tuple[object, object, str]:
    """Hover then click marker ``i`` on a freshly loaded map (an open popup pans the map, and the
    cluster layer drops markers that leave the view); retried on a redraw, at most 3 times.
    Returns the frame, the popup and the marker's tooltip text as hovering showed it (an open
    popup closes its marker's tooltip)."""
    for _ in range(3):
        page.goto(base, wait_until="domcontentloaded")  # a fresh, un-panned map each time
        frame = wait_for_markers(page, minimum=len(PAYLOAD_ROWS), timeout_ms=60_000)
        icon = frame.locator(".leaflet-marker-icon").nth(i)
        icon.hover()
        tooltip = frame.locator(".leaflet-tooltip").last
        tooltip.wait_for(state="visible", timeout=10_000)
        tooltip_text = tooltip.inner_text(timeout=2_000)
        # Leaflet's own click handler, through the DOM: Playwright's synthetic mouse click on
        # the divIcon did not reach Leaflet here. The popup shows at once; ~1.5 s later the
        # rerun that selects the station redraws the map and closes it, so read it now.
        icon.dispatch_event("click")
        popup = frame.locator(".leaflet-popup-content")
        try:
            popup.wait_for(state="visible", timeout=3_000)
            return frame, popup, tooltip_text
        except Exception:
            runs_of(page).wait_idle(page)  # the click's run is over before the page reloads
    raise AssertionError(f"marker {i}: no popup after 3 clicks")  # noqa: EM102


def test_payloads_in_every_field_stay_text_in_the_browser(payload_server, browser_context) -> None:  # noqa: F811
    base, stations, responses = payload_server
    dialogs: list[str] = []
    log = RequestLog().attach(browser_context)
    page = browser_context.new_page()
    watch_runs(page)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base, wait_until="domcontentloaded")
    frame = wait_for_markers(page, minimum=len(PAYLOAD_ROWS), timeout_ms=60_000)
    assert frame.locator(".leaflet-marker-icon").count() == len(PAYLOAD_ROWS)
    tooltips: list[str] = []
    popups: list[str] = []
    for i in range(len(PAYLOAD_ROWS)):
        frame, popup, tooltip = open_popup(page, base, i)
        popups.append(popup.inner_text(timeout=2_000))
        injected = frame.locator(INJECTED).count()
        hrefs = frame.locator(".leaflet-popup-content a").evaluate_all("els => els.map(e => e.href)")
        tooltips.append(tooltip)
        assert injected == 0, "markup from the data became elements in a popup"
        assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
        record("browser: markers opened")
    assert not flags(page), flags(page)
    shown_tips, shown_popups = "\n".join(tooltips), "\n".join(popups)
    for row in stations:
        assert f"{row['city']}, {row['country']}" in shown_tips, "tooltip text not literal"
        for field in ("address", "host_organisation", "bureau_district"):
            assert row[field] in shown_popups, f"{field} not shown literally in its popup"
    for row in stations:  # the detail panel of each station, opened by its link
        page.goto(f"{base}?station={row['station_id']}", wait_until="domcontentloaded")
        page.get_by_text(row["host_organisation"], exact=False).first.wait_for(timeout=60_000)
        record("browser: station panels")
        assert not flags(page), flags(page)

    page.goto(f"{base}Government_responses", wait_until="domcontentloaded")
    chart = page.locator("[data-testid='stVegaLiteChart'], .vega-embed").first
    chart.wait_for(state="visible", timeout=60_000)
    tooltip_text = hover_chart_points(page, chart)
    record("browser: chart tooltips found", 1 if tooltip_text else 0)
    assert tooltip_text, "no chart tooltip found over the chart's marks"
    assert any(r["summary"] in tooltip_text or r["actor"] in tooltip_text for r in responses), tooltip_text
    assert (
        page.locator("#vg-tooltip-element img, #vg-tooltip-element svg, #vg-tooltip-element script").count()
        == 0
    )
    assert not flags(page), flags(page)

    page.goto(f"{base}Data_and_sources", wait_until="domcontentloaded")
    page.get_by_text("Stations by report and bureau").wait_for(timeout=60_000)
    assert not flags(page), flags(page)
    assert not dialogs, dialogs
    assert not log.external(), log.external_hosts()
    record("browser: pages checked", 3)


def test_payload_dataset_is_far_apart(tmp_path: Path) -> None:
    """Guard for the test above: distinct markers need distinct, distant places."""
    stations, _ = write_payload_dataset(tmp_path / "data")
    assert len({(round(float(r["lat"])), round(float(r["lon"]))) for r in stations}) == len(PAYLOAD_ROWS)
