"""The pages' citing, download names and correction links, as Streamlit runs them (AppTest)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from stations.data import datapackage
from stations.i18n import gettext
from stations.view import citation, credit, embed, fonts
from stations.view.filters import escape_markdown
from stations.web import embed_view
from tests.support.apptest import DATA_PAGE, MAP_PAGE, RESPONSES_PAGE, ROOT, open_page

BASE = "https://maps.example.org/"
#: A deployment's repository for corrections (there is no default: see citation.DEFAULT_REPOSITORY).
REPOSITORY = "https://git.example/newsroom/tracker"
VERSION = json.loads((ROOT / "data" / datapackage.PACKAGE_FILE).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def real_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed data and package; no configured addresses (the browser's is used)."""
    for name in ("STATIONS_DATA_DIR", citation.PUBLIC_URL_ENV, citation.REPOSITORY_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def file_names(monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    """The file name each download button registered (the proto holds only an id)."""
    names: dict[str, str | None] = {}
    original = MediaFileManager.add_deferred

    def record(
        self: MediaFileManager, data: Any, mimetype: Any, coordinates: str, file_name: Any = None, **kw: Any
    ) -> str:
        file_id = original(self, data, mimetype, coordinates, file_name, **kw)
        names[file_id] = file_name
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return names


def run(page: str | Path, **params: str) -> AppTest:
    """The page as a reader at ``BASE`` opens it."""
    return open_page(page, timeout=90, context={"url": BASE}, **params)


def downloads(at: AppTest, names: dict[str, str | None]) -> dict[str, str | None]:
    return {b.proto.label: names[b.proto.deferred_file_id] for b in at.get("download_button")}


def copy_fields(elements: Any) -> dict[str, str]:
    """The copy boxes (stations/web/copy_link.py) among ``elements``: each field's label and
    the text it shows, as the reader reads it."""
    fields = {}
    for body in (e.value for e in elements if e.type == "html" and "copy-link" in e.value):
        label = re.search(r"<label[^>]*>(.*?)</label>", body, re.S)
        text = re.search(r"<textarea[^>]*>(.*?)</textarea>", body, re.S)
        assert label and text, body[:200]
        fields[html.unescape(label.group(1))] = html.unescape(text.group(1))
    return fields


def after_title(at: AppTest) -> object:
    """The first element the page draws under its title (placeholders that drew nothing, such
    as the data check's note, do not count)."""
    children = [c for c in at.main.children.values() if c.type != "empty"]
    return children[[c.type for c in children].index("title") + 1]


def test_cite_box_comes_first_with_link_version_licence_and_citation() -> None:
    at = run(DATA_PAGE, country="IT,NL")
    first = after_title(at)
    assert first.type == "flex_container" and first.proto.flex_container.border
    assert first.children[0].value == "Cite this"
    facts = first.children[1].value
    version, date = escape_markdown(VERSION["version"]), escape_markdown(VERSION["created"][:10])
    assert f"**Data version:** {version}, data of {date}" in facts
    assert "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)" in facts and "MIT" in facts
    fields = copy_fields(first.children.values())
    assert list(fields) == ["Link to the view you are citing", "Suggested citation"]
    link, text = fields.values()
    assert link == f"{BASE}?country=IT%2CNL"  # spelled as the address bar spells it
    assert f"version {VERSION['version']}" in text and link in text and "CC BY 4.0" in text


def test_cite_box_uses_the_configured_public_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(citation.PUBLIC_URL_ENV, "https://news.example/tracker/")
    at = run(DATA_PAGE, bureau="fuzhou")
    cite_box = after_title(at)
    assert copy_fields(cite_box.children.values())["Link to the view you are citing"] == (
        "https://news.example/tracker/?bureau=fuzhou"
    )


def test_downloads_are_named_by_view_and_data_version(file_names: dict[str, str | None]) -> None:
    v = VERSION["version"].replace(".", "-")  # a file name keeps letters, digits, - and _
    at = run(MAP_PAGE, country="IT,NL", station="NL-rotterdam-1")
    named = downloads(at, file_names)
    assert sorted(named.values()) == [
        f"110-overseas_map_country-IT-NL_v{v}.png",
        f"110-overseas_stations_country-IT-NL_v{v}.csv",
        f"110-overseas_stations_country-IT-NL_v{v}.geojson",
    ]
    at = run(RESPONSES_PAGE, country="NL", action="station_closed")
    assert list(downloads(at, file_names).values()) == [
        f"110-overseas_timeline_country-NL_government-action-station-closed_v{v}.png",
        f"110-overseas_responses_country-NL_government-action-station-closed_v{v}.csv",
    ]
    at = run(DATA_PAGE, country="NL")
    assert set(downloads(at, file_names).values()) >= {
        f"110-overseas_stations_v{v}.csv",
        f"110-overseas_responses_v{v}.csv",
        f"110-overseas_datapackage_v{v}.json",
    }


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What each download button would send, by its label: the callable Streamlit runs on click."""
    made: dict[str, Any] = {}
    original = MediaFileManager.add_deferred

    def record(
        self: MediaFileManager, data: Any, mimetype: Any, coordinates: str, file_name: Any = None, **kw: Any
    ) -> str:
        file_id = original(self, data, mimetype, coordinates, file_name, **kw)
        made[file_id] = data
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def test_the_map_png_of_a_view_carries_its_credit_and_link(deferred: dict[str, Any]) -> None:
    at = run(MAP_PAGE, country="IE")
    button = next(b for b in at.get("download_button") if b.proto.label == "Download this view as PNG")
    assert not button.proto.disabled
    png = deferred[button.proto.deferred_file_id]()
    assert png.startswith(b"\x89PNG") and png is deferred[button.proto.deferred_file_id]()  # made once
    text = credit.png_text(png)
    assert f"{BASE}?country=IE" in text[credit.CREDIT_KEY]
    assert f"data version {VERSION['version']}" in text[credit.CREDIT_KEY]
    assert "CC BY 4.0" in text[credit.CREDIT_KEY] and "Safeguard Defenders" in text[credit.CREDIT_KEY]
    assert text["Title"].endswith("1 station in Ireland")


def test_downloads_are_disabled_for_an_empty_view() -> None:
    at = run(MAP_PAGE, country="IE", bureau="qingtian")
    buttons = at.get("download_button")
    assert buttons and all(b.proto.disabled for b in buttons), [
        (b.proto.label, b.proto.disabled) for b in buttons
    ]


def test_a_selected_station_offers_a_prefilled_correction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(citation.REPOSITORY_ENV, REPOSITORY)
    at = run(MAP_PAGE, country="NL", station="NL-rotterdam-1")
    (button,) = [b for b in at.get("link_button") if b.proto.label == "Suggest a correction"]
    url = urlsplit(button.proto.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{REPOSITORY}/issues/new"
    query = parse_qs(url.query)
    assert query["template"] == ["correction.yml"]
    assert query["row_id"] == ["NL-rotterdam-1"]
    assert query["link"] == [f"{BASE}?country=NL&station=NL-rotterdam-1"]


def test_correction_repository_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(citation.REPOSITORY_ENV, "https://git.example/newsroom/tracker")
    at = run(MAP_PAGE, station="NL-rotterdam-1")
    (button,) = [b for b in at.get("link_button") if b.proto.label == "Suggest a correction"]
    assert button.proto.url.startswith("https://git.example/newsroom/tracker/issues/new?")


def test_every_listed_action_offers_a_prefilled_correction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(citation.REPOSITORY_ENV, REPOSITORY)
    at = run(RESPONSES_PAGE, country="NL")
    table = at.dataframe[0].value
    assert len(table) > 0
    for response_id, link in zip(table["response_id"], table["correction"], strict=True):
        query = parse_qs(urlsplit(link).query)
        assert query["row_id"] == [response_id]
        assert query["link"] == [f"{BASE}Government_responses?country=NL"]


def test_no_correction_link_without_a_configured_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(citation.REPOSITORY_ENV, raising=False)
    at = run(MAP_PAGE, country="NL", station="NL-rotterdam-1")
    assert not [b for b in at.get("link_button") if b.proto.label == "Suggest a correction"]
    at = run(RESPONSES_PAGE, country="NL")
    assert "correction" not in at.dataframe[0].value.columns


# The embed layout ------------------------------------------------------------------------------


def run_embedded(**params: str) -> AppTest:
    at = AppTest.from_file(MAP_PAGE, default_timeout=90)
    at.context = {"url": BASE, "is_embedded": True}
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def map_component(at: AppTest) -> Any:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return component


def test_embed_layout_keeps_the_map_a_summary_and_a_credit_only() -> None:
    at = run_embedded(country="FR")
    assert not at.title and not at.metric  # no page title, intro metrics
    assert not at.get("download_button") and not at.dataframe  # no table, no downloads
    assert not [s for s in at.get("selectbox") if s.label == "Selected station"]  # no side panel
    style, *texts = [m.value for m in at.markdown]
    assert style.startswith("<style>") and 'section[data-testid="stSidebar"]' in style  # hidden
    assert texts == ["**12 stations in France**"]
    (credit,) = [c.value for c in at.caption if c.value.startswith("Source")]
    text, _ = embed.credit_line(VERSION["version"], None, "")
    assert "data version " + VERSION["version"] in text and "CC BY 4.0" in text
    # the credit names sources, version and licence, and links to the full view (no embed)
    assert credit == f"{escape_markdown(text)} [Full map, filters and sources]({BASE}?country=FR)"
    args = json.loads(map_component(at).proto.json_args)
    assert "#map_div { height: 100vh !important; }" in args["header"]  # the map fills its frame


def test_full_page_offers_the_embed_snippet_of_the_view() -> None:
    at = run(MAP_PAGE, country="IT,NL")
    assert at.title  # the ordinary layout
    snippets = [c.value for c in at.code if c.value.startswith("<iframe")]
    # The same two snippets in the sidebar and in the share control beside the map.
    assert snippets[:2] == snippets[2:]
    published, live = snippets[:2]
    # The published map first: the same view, a frame that takes the height its page posts.
    assert published.startswith(
        f'<iframe src="{BASE}app/static/published/index.html?country=IT%2CNL" title="Map of reported '
        'Chinese overseas police stations"'
    )
    assert "data-stations-embed" in published and "stations-embed-height" in published
    assert live == (
        f'<iframe src="{BASE}?country=IT%2CNL&amp;embed=true" title="Map of reported Chinese overseas police '
        'stations" width="100%" height="600" style="border:0" loading="lazy" allowfullscreen></iframe>'
    )


def test_a_one_country_view_embeds_that_countrys_published_page() -> None:
    at = run(MAP_PAGE, country="IT", bureau="qingtian")
    published = next(c.value for c in at.code if c.value.startswith("<iframe"))
    assert f'src="{BASE}app/static/published/country/IT/index.html?bureau=qingtian"' in published
    args = json.loads(map_component(at).proto.json_args)
    assert "100vh" not in args["header"]


@pytest.mark.parametrize(
    ("link", "lang"), [({"lang": "zh-Hant"}, "zh-Hant"), ({"lang": "zh_hans"}, "zh-Hans")]
)
def test_a_chinese_view_embeds_the_published_map_in_its_language(link: dict[str, str], lang: str) -> None:
    """The embed box of a view read in Chinese gives the published page of that view with its
    lang (the page then speaks it) and a frame named in it."""
    at = run(MAP_PAGE, country="IT", **link)
    published = next(c.value for c in at.code if c.value.startswith("<iframe"))
    assert f'src="{BASE}app/static/published/country/IT/index.html?lang={lang}"' in published
    assert f'title="{gettext(embed_view.EMBED_TITLE, lang)}"' in published
    assert gettext(embed_view.EMBED_TITLE, lang) != embed_view.EMBED_TITLE


def test_the_timeline_png_carries_the_credit_of_its_view(deferred: dict[str, Any]) -> None:
    at = run(RESPONSES_PAGE, country="IT")
    (button,) = [b for b in at.get("download_button") if b.proto.label == "Download timeline as PNG"]
    png = deferred[button.proto.deferred_file_id]()
    text = credit.png_text(png)
    assert f"{BASE}Government_responses?country=IT" in text[credit.CREDIT_KEY]
    assert f"data version {VERSION['version']}" in text[credit.CREDIT_KEY]
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert f"View: {BASE}Government_responses?country=IT" in spec["title"]["subtitle"]


def test_every_source_of_an_action_is_a_link_and_no_internal_id_is_shown() -> None:
    at = run(RESPONSES_PAGE, country="IT,NL")
    table = at.dataframe[0]
    frame = table.value
    config = json.loads(table.proto.columns)
    sources = [c for c in frame.columns if c.startswith("Source ")]
    assert sources, list(frame.columns)
    assert frame[sources].notna().any(axis=1).all()  # every action has a source, each in its own cell
    wanted = {u.strip() for cell in frame_sources(at) for u in cell.split(" | ")}
    shown = {u for c in sources for u in frame[c].dropna()}
    assert shown == wanted
    for name in sources:
        assert config[name]["type_config"]["type"] == "link", config[name]
    assert config["response_id"]["hidden"] is True
    labels = {config[c].get("label") for c in frame.columns if c not in sources and c != "response_id"}
    assert None not in labels and all(label[0].isupper() for label in labels), labels


def frame_sources(at: AppTest) -> list[str]:
    """The sources of the actions listed on the responses page, from the data files."""
    from stations.data.load import load_dataset

    responses = load_dataset(ROOT / "data").responses
    shown = set(at.dataframe[0].value["response_id"])
    return list(responses.loc[responses["response_id"].isin(shown), "sources"])


def test_station_tables_label_their_columns_and_hide_the_internal_id() -> None:
    at = run(MAP_PAGE, country="IT")
    assert len(at.dataframe) >= 2  # the stations, and those shown at country level
    for table in at.dataframe:
        config = json.loads(table.proto.columns)
        assert config["station_id"]["hidden"] is True
        shown = [c for c in table.value.columns if not config.get(c, {}).get("hidden")]
        assert all(config.get(c, {}).get("label", "")[:1].isupper() for c in shown), config


def test_the_geojson_of_a_view_carries_its_licence_version_and_link(deferred: dict[str, Any]) -> None:
    at = run(MAP_PAGE, country="IT")
    (button,) = [b for b in at.get("download_button") if b.proto.label.endswith("(GeoJSON)")]
    geo = json.loads(deferred[button.proto.deferred_file_id]())
    meta = geo["metadata"]
    assert meta["view"] == f"{BASE}?country=IT"
    assert meta["data_version"] == VERSION["version"] and meta["license"]["name"] == "CC-BY-4.0"
    assert f"{BASE}?country=IT" in meta["citation"]
    (csv_button,) = [b for b in at.get("download_button") if b.proto.label.endswith("(CSV)")]
    assert deferred[csv_button.proto.deferred_file_id]().startswith(b"\xef\xbb\xbf")
    assert "Excel" in csv_button.proto.help


#: Each page's PNG download: its help, and the English title its image's metadata starts with.
PNG_DOWNLOADS = [
    (
        MAP_PAGE,
        "The map of this view with its legend and a credit line (sources, data version, licence CC BY "
        "4.0, link to the view), ready to publish with that credit.",
        "110 Overseas: China's reported overseas police stations",
    ),
    (
        RESPONSES_PAGE,
        "The timeline with its credit line (sources, data version, licence, link to this view).",
        "Actions by country over time",
    ),
]
#: What the help adds when the image is drawn in English (the catalog holds both sentences).
IN_ENGLISH = " The image's own words are in English."


def _png_button(at: AppTest, lang: str) -> Any:
    labels = {gettext(label, lang) for label in ("Download this view as PNG", "Download timeline as PNG")}
    (button,) = [b for b in at.get("download_button") if b.proto.label in labels]
    return button


@pytest.mark.parametrize(("page", "help_text", "title"), PNG_DOWNLOADS)
def test_a_chinese_png_download_is_drawn_in_chinese_and_its_help_says_so(
    deferred: dict[str, Any], page: Path, help_text: str, title: str
) -> None:
    lang = "zh-Hant"
    button = _png_button(run(page, lang=lang, country="IT"), lang)
    assert button.proto.help == gettext(help_text, lang) != help_text
    text = credit.png_text(deferred[button.proto.deferred_file_id]())
    assert text["Title"].startswith(gettext(title, lang)) and gettext(title, lang) != title
    assert gettext("View: {link}", lang).format(link="") in text[credit.CREDIT_KEY]


@pytest.mark.parametrize(("page", "help_text", "title"), PNG_DOWNLOADS)
def test_without_a_cjk_font_the_png_download_says_its_image_is_in_english(
    deferred: dict[str, Any], monkeypatch: pytest.MonkeyPatch, page: Path, help_text: str, title: str
) -> None:
    monkeypatch.setattr(fonts, "face", lambda family: None)
    lang = "zh-Hant"
    button = _png_button(run(page, lang=lang, country="IT"), lang)
    assert button.proto.help == gettext(help_text + IN_ENGLISH, lang) != gettext(help_text, lang)
    text = credit.png_text(deferred[button.proto.deferred_file_id]())
    assert text["Title"].startswith(title) and f"View: {BASE}" in text[credit.CREDIT_KEY]
