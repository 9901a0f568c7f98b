"""The map loads nothing from a CDN: every asset is a vendored file that exists under static/.

Unit tests inspect folium's HTML and what st_folium would load; the e2e tests run the real
server and Chromium (loopback only) and prove the map draws and no request leaves the machine
except to the configured tile server.
"""

from __future__ import annotations

import inspect
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import folium
import folium.folium
import pytest
from folium.plugins import FastMarkerCluster, Fullscreen, MarkerCluster, marker_cluster

from stations.map import assets
from tests.support.browser import (
    SCREENSHOTS,
    STATIC_DIR,
    RequestLog,
    browser_context,  # noqa: F401 (fixture)
    chromium_browser,  # noqa: F401 (fixture)
    streamlit_server,
    tile_server,
    wait_for_markers,
)
from tests.support.map_browser import PAINTED_JS

APP = Path(__file__).resolve().parent / "apps" / "assets_map.py"
VENDOR = STATIC_DIR / "vendor"

#: The iframe's document URL in Streamlit 1.67 (the component route), to resolve the prefix.
IFRAME_URL = "http://127.0.0.1:8501/component/streamlit_folium.st_folium/index.html"


@pytest.fixture
def local_assets() -> Iterator[None]:
    """Switch folium to the local files, and back afterwards: other tests share the classes."""
    saved = [
        (cls, attr, getattr(cls, attr))
        for cls in (folium.Map, MarkerCluster)
        for attr in ("default_js", "default_css")
    ]
    prefix = assets._prefix
    assets.use_local_assets()
    try:
        yield
    finally:
        for cls, attr, value in saved:
            setattr(cls, attr, value)
        assets._prefix = prefix


def sample_map(tiles: str | None = None, attr: str | None = None) -> folium.Map:
    """A map with a marker, a MarkerCluster, a FastMarkerCluster and a GeoJson layer."""
    m = folium.Map(location=[50, 8], zoom_start=4, tiles=tiles, attr=attr, max_zoom=18)
    folium.Marker([48.85, 2.35], icon=folium.Icon(prefix="fa", icon="building")).add_to(m)
    cluster = MarkerCluster().add_to(m)
    folium.Marker([59.33, 18.07]).add_to(cluster)
    FastMarkerCluster([[52.5, 13.4], [41.9, 12.5]]).add_to(m)
    folium.GeoJson({"type": "Point", "coordinates": [2.35, 48.85]}).add_to(m)
    return m


def local_path(url: str) -> Path:
    """The file under static/ that a URL from the st_folium iframe resolves to."""
    path = urlsplit(urljoin(IFRAME_URL, url)).path
    assert path.startswith("/app/static/"), f"{url} does not resolve into /app/static/"
    return STATIC_DIR / path.removeprefix("/app/static/")


def test_every_asset_of_a_map_is_an_existing_local_file(local_assets: None) -> None:
    m = sample_map()
    html = m.get_root().render()
    rendered = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    loaded_by_st_folium = assets.asset_urls(m)
    assert set(loaded_by_st_folium) == set(rendered)
    assert len(rendered) == len(assets.MAP_JS + assets.MAP_CSS + assets.CLUSTER_JS + assets.CLUSTER_CSS)
    for url in rendered:
        assert url.startswith(assets.DEFAULT_PREFIX + "/"), url
        assert local_path(url).is_file(), url
    assert assets.external_asset_urls(m) == []


def test_rendered_html_names_no_host_but_the_tile_server(local_assets: None) -> None:
    tiles, attr = assets.tile_layer_settings({"STATION_MAP_TILES": "osm"})
    html = sample_map(tiles, attr).get_root().render()
    hosts = {urlsplit(url).netloc for url in re.findall(r"(?:https?:)?//[^\s\"'<>)\\]+", html)}
    # The tile template, and the attribution's link (an <a href>, fetched only on a click).
    assert hosts == {"tile.openstreetmap.org", "www.openstreetmap.org"}
    assert re.findall(r"(?:https?:)?//[^\s\"'<>)\\]+", sample_map().get_root().render()) == []


def test_use_local_assets_is_idempotent_and_reaches_fast_marker_cluster(local_assets: None) -> None:
    before = [list(folium.Map.default_js), list(MarkerCluster.default_css)]
    assets.use_local_assets()
    assert [folium.Map.default_js, MarkerCluster.default_css] == before
    assert FastMarkerCluster.default_js == MarkerCluster.default_js
    names = [name for name, _ in folium.Map.default_js]
    assert names.index("leaflet_default_icon_path") == names.index("leaflet") + 1


def test_local_files_keep_folium_names_and_versions() -> None:
    """A folium upgrade that moves to other versions fails here until vendor_assets.py is re-run."""
    originals = dict(folium.folium._default_js + folium.folium._default_css)
    ours = dict(assets.MAP_JS + assets.MAP_CSS)
    assert set(originals) <= set(ours)
    for name, cdn_url in originals.items():
        version = re.search(r"[@/](\d+\.\d+\.\d+)/", cdn_url)
        if version and name != "glyphicons_css":  # 3.0.0 is not on npm: 3.1.1 (SOURCES.md)
            assert f"@{version.group(1)}/" in ours[name], (name, cdn_url, ours[name])
    assert f"folium@{folium.__version__}/" in ours["awesome_rotate_css"]
    # MarkerCluster's class attributes may already be switched in this process: read the source.
    cluster_source = inspect.getsource(marker_cluster)
    cdn_versions = set(re.findall(r"leaflet\.markercluster/(\d+\.\d+\.\d+)/", cluster_source))
    assert cdn_versions == {"1.1.0"}
    for _, path in assets.CLUSTER_JS + assets.CLUSTER_CSS:
        assert path.startswith("vendor/leaflet.markercluster@1.1.0/"), path


def test_every_css_url_resolves_to_a_vendored_file() -> None:
    stylesheets = sorted(VENDOR.rglob("*.css"))
    assert stylesheets
    for css in stylesheets:
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text("utf-8")):
            if ref.startswith(("data:", "#")):
                continue
            assert "//" not in ref, f"{css}: {ref}"
            target = (css.parent / ref.split("?")[0].split("#")[0]).resolve()
            assert target.is_file(), f"{css.relative_to(STATIC_DIR)} needs {ref}"


def test_sources_md_lists_exactly_the_vendored_files() -> None:
    sources = (VENDOR / "SOURCES.md").read_text("utf-8")
    listed = set()
    for section in re.split(r"^## ", sources, flags=re.M)[1:]:
        spec = section.splitlines()[0].strip()
        listed |= {f"{spec}/{f}" for f in re.findall(r"^\| `([^`]+)` \| \d+ \|", section, flags=re.M)}
    present = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    # Test-only vendored files (tests/vendor/) are recorded in the same SOURCES.md.
    test_vendor = Path(__file__).resolve().parent / "vendor"
    present |= {p.relative_to(test_vendor).as_posix() for p in test_vendor.rglob("*") if p.is_file()}
    assert listed == present - {"SOURCES.md"}
    vendored = assets.MAP_JS + assets.MAP_CSS + assets.CLUSTER_JS + assets.CLUSTER_CSS
    for _, path in vendored + assets.GESTURE_JS + assets.GESTURE_CSS:
        assert (STATIC_DIR / path).is_file(), path
        spec = re.match(r"vendor/((?:@[^/]+/)?[^/]+)/", path)
        assert spec is None or f"\n## {spec.group(1)}\n" in sources, path
    # The gesture plugin is no folium asset: its row names its version and licence all the same.
    assert "| `leaflet-gesture-handling` | 1.2.2 | MIT |" in sources


def test_icon_path_script_points_at_leaflet_images() -> None:
    script = (STATIC_DIR / assets.ICON_PATH_SCRIPT).read_text("utf-8")
    relative = "../" + assets.LEAFLET_IMAGES
    assert relative in script
    assert (STATIC_DIR / "js" / relative / "marker-icon.png").resolve().is_file()
    assert (STATIC_DIR / assets.LEAFLET_IMAGES / "marker-shadow.png").is_file()
    assert assets.icon_image_path_js("../../app/static") == (
        f'L.Icon.Default.imagePath = "../../app/static/{assets.LEAFLET_IMAGES}";'
    )


def test_station_layer_files_load_after_markercluster_under_the_prefix(local_assets: None) -> None:
    script = (STATIC_DIR / assets.STATION_LAYER_SCRIPT).read_text("utf-8")
    style = (STATIC_DIR / assets.STATION_LAYER_STYLE).read_text("utf-8")
    assert "L.stationLayer = function (table, countries, shapes, options)" in script
    assert "L.StationLayer = L.FeatureGroup.extend(" in script and "L.markerClusterGroup(" in script
    assert "innerHTML" not in script  # data reaches the page through textContent and esc() only
    assert ".station-pin{" in style and ".station-popup{" in style
    js, css = assets.layer_assets()
    assert [name for name, _ in js] == ["leaflet_bundle", "station_layer"]
    assert js[-1][1] == f"{assets.DEFAULT_PREFIX}/{assets.STATION_LAYER_SCRIPT}"
    assert css[-1] == ("station_layer_css", f"{assets.DEFAULT_PREFIX}/{assets.STATION_LAYER_STYLE}")
    resolved = urlsplit(urljoin(IFRAME_URL, js[-1][1])).path
    assert resolved == f"/app/static/{assets.STATION_LAYER_SCRIPT}"
    assets.use_local_assets("../static")
    assert assets.layer_assets()[0][-1][1] == f"../static/{assets.STATION_LAYER_SCRIPT}"
    assert all(path.is_file() for path in assets.local_files())


def test_leaflet_bundle_is_built_from_its_parts_in_order() -> None:
    """static/js/leaflet-bundle.js is committed: after a vendored file changes, run
    scripts/build_map_bundle.py, or this fails."""
    bundle = (STATIC_DIR / assets.LEAFLET_BUNDLE).read_text("utf-8")
    assert bundle == assets.leaflet_bundle_text()
    starts = [bundle.index(f"// ---- static/{part}\n") for part in assets.LEAFLET_BUNDLE_PARTS]
    assert starts == sorted(starts) and len(starts) == 6
    assert "Leaflet 1.9.3" in bundle and "L.MarkerClusterGroup=" in bundle
    assert 'addInitHook("addHandler","gestureHandling"' in bundle
    assert "L.Control.StationLegend = L.Control.extend(" in bundle  # the map's own pieces, after the plugins
    assert 'L.Map.addInitHook("addHandler", "layoutWatch", L.Map.LayoutWatch)' in bundle
    assert "sourceMappingURL" not in bundle
    # The icon-path fix resolves the images from the bundle's own URL: same folder as the fix.
    assert Path(assets.LEAFLET_BUNDLE).parent == Path(assets.ICON_PATH_SCRIPT).parent


def test_external_asset_urls_flags_plugins_still_on_a_cdn(local_assets: None) -> None:
    m = sample_map()
    Fullscreen().add_to(m)
    assert any("leaflet.fullscreen" in url.lower() for url in assets.external_asset_urls(m))
    legend = folium.Map(tiles=None)
    folium.GeoJson({"type": "Point", "coordinates": [0, 0]}).add_to(legend)
    from branca.colormap import LinearColormap

    LinearColormap(["white", "purple"]).add_to(legend)
    assert "https://d3js.org/d3.v4.min.js" in assets.external_asset_urls(legend)


@pytest.mark.parametrize("env", [{}, {"STATION_MAP_TILES": ""}, {"STATION_MAP_TILES": " Basemap "}])
def test_default_is_the_own_basemap_and_no_tile_server(env: dict[str, str]) -> None:
    """Private by default: no third-party tiles unless a deployment names them."""
    assert assets.tile_layer_settings(env) == (None, None)
    assert assets.own_basemap(env) is True


@pytest.mark.parametrize(
    ("name", "host", "credit"),
    [("osm", "tile.openstreetmap.org", "OpenStreetMap"), ("CARTO-light", "basemaps.cartocdn.com", "CARTO")],
)
def test_named_tile_providers_carry_their_required_attribution(name: str, host: str, credit: str) -> None:
    env = {"STATION_MAP_TILES": name}
    tiles, attr = assets.tile_layer_settings(env)
    assert tiles is not None and host in tiles and "{z}" in tiles
    assert attr is not None and credit in attr and "OpenStreetMap</a> contributors" in attr
    assert assets.own_basemap(env) is False


@pytest.mark.parametrize("value", ["none", "osm", "https://tiles.example.org/{z}/{x}/{y}.png"])
def test_any_other_setting_turns_the_own_basemap_off(value: str) -> None:
    assert assets.own_basemap({"STATION_MAP_TILES": value}) is False


@pytest.mark.parametrize("value", ["none", "NONE", " off "])
def test_tiles_none_means_no_base_layer(value: str) -> None:
    assert assets.tile_layer_settings({"STATION_MAP_TILES": value}) == (None, None)
    assert assets.own_basemap({"STATION_MAP_TILES": value}) is False


def test_custom_tiles_carry_their_attribution_or_host() -> None:
    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    env = {"STATION_MAP_TILES": url, "STATION_MAP_TILES_ATTR": "© Example"}
    assert assets.tile_layer_settings(env) == (url, "© Example")
    assert assets.tile_layer_settings({"STATION_MAP_TILES": url}) == (url, "Tiles: tiles.example.org")


@pytest.mark.parametrize(
    "value", ["tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/{z}/{x}.png", "file:///x"]
)
def test_malformed_tiles_setting_fails_loudly(value: str) -> None:
    with pytest.raises(ValueError, match="STATIONS_MAP_TILES"):
        assets.tile_layer_settings({"STATIONS_MAP_TILES": value})


def test_use_local_assets_rejects_an_empty_prefix(local_assets: None) -> None:
    with pytest.raises(ValueError):
        assets.use_local_assets("")


# Real browser, real server ------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.timeout(180)
@pytest.mark.parametrize(
    ("base_url_path", "with_tiles"),
    [("", True), ("dashboard/map", False)],
    ids=["root-loopback-tiles", "base-url-path-no-tiles"],
)
def test_map_draws_from_local_assets_with_loopback_requests_only(
    browser_context: object,  # noqa: F811 (fixture)
    base_url_path: str,
    with_tiles: bool,
) -> None:
    with tile_server() as tiles:
        env = {"STATION_MAP_TILES": tiles.url_template if with_tiles else "none"}
        env["STATION_MAP_TILES_ATTR"] = "test tiles"
        server = streamlit_server(APP, base_url_path=base_url_path, env=env, static_dir=STATIC_DIR)
        with server as base:
            _check_map_page(browser_context, base, base_url_path)
        assert bool(tiles.hits) == with_tiles, tiles.hits


def _check_map_page(context: object, base: str, base_url_path: str) -> None:
    """Open the test app, wait for every kind of marker, and check what the browser asked for."""
    log = RequestLog().attach(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.monotonic()
    page.goto(base, wait_until="domcontentloaded")
    try:
        frame = wait_for_markers(page, timeout_ms=45_000)
    except Exception as exc:
        raise AssertionError(f"no marker drew; page errors: {errors}") from exc
    wait_for_markers(page, ".marker-cluster", timeout_ms=15_000)
    frame.wait_for_selector("path.leaflet-interactive", state="attached", timeout=15_000)
    # The default Leaflet icon image (L.Icon.Default.imagePath), and both icon fonts.
    frame.wait_for_function(
        """() => [...document.querySelectorAll('img.leaflet-marker-icon')]
                 .some(img => img.complete && img.naturalWidth > 0)""",
        timeout=15_000,
    )
    frame.wait_for_function(
        """() => document.fonts.status === 'loaded'
                 && document.fonts.check('900 14px "Font Awesome 6 Free"')
                 && document.fonts.check('14px "Glyphicons Halflings"')
                 && [...document.fonts].some(f => f.status === 'loaded')""",
        timeout=15_000,
    )
    frame.wait_for_function(PAINTED_JS, timeout=15_000)  # tiles and fonts in before the screenshot
    elapsed = time.monotonic() - started
    frame_url = frame.url
    if not base_url_path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "assets_map.png"), full_page=True)

    fonts_loaded = frame.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Font Awesome" in family for family in fonts_loaded), fonts_loaded
    assert any("Glyphicons" in family for family in fonts_loaded), fonts_loaded
    assert urlsplit(frame_url).path.startswith(
        f"/{base_url_path}/component/" if base_url_path else "/component/"
    ), frame_url
    assert errors == []
    assert log.external() == [], log.external_hosts()
    assert log.local_failures() == []
    vendored = [url for url in log.requests if "/app/static/" in url]
    expected_prefix = urljoin(base, "app/static/")
    assert vendored and all(url.startswith(expected_prefix) for url in vendored), vendored
    assert any(url.endswith("/leaflet.js") for url in vendored)
    assert any("marker-icon" in url for url in vendored)
    assert elapsed < 60
