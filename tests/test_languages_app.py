"""The dashboard in English, 简体中文 and 繁體中文 (AppTest): the language is part of the view and
of the link, a switch changes it and nothing else, the Chinese pages show none of the English
catalog strings in the elements checked here, and the country menu finds a country by its
Chinese names in every language.

Accept-Language cannot be sent through AppTest (it seeds no headers): the browser test
(tests/e2e/test_languages_browser.py) opens the app with a Chinese and a French browser.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from stations.i18n import CODES, SIMPLIFIED, TRADITIONAL, build, translations
from stations.view import country_search
from stations.view.filters import Filters, Options
from tests.support.apptest import map_script, open_page, url
from tests.test_view_state import shared_links

CHINESE = (SIMPLIFIED, TRADITIONAL)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|\*\*|\*")


def english_fragments(lang: str) -> list[re.Pattern[str]]:
    """The English words of every catalog entry, as patterns a page in ``lang`` must not show:
    each msgid cut at its placeholders and markup, keeping the pieces with a word in them that
    no translation keeps itself (report titles and names stay as published: 110 Overseas)."""
    patterns = []
    catalog = build.extract_catalog()
    translated_text = " ".join(
        translations(lang).gettext(m.id)
        if isinstance(m.id, str)
        else translations(lang).ngettext(*m.id[:2], 2)
        for m in catalog
        if m.id and not m.context
    )
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        context = message.context
        for msgid in ids:
            if context:
                translated = translations(lang).pgettext(context, msgid)
            elif isinstance(message.id, tuple):
                translated = translations(lang).ngettext(ids[0], ids[1], 2)
            else:
                translated = translations(lang).gettext(msgid)
            for piece in _PLACEHOLDER.split(msgid):
                piece = piece.strip(" .,;:()·'\"")
                if (
                    re.search(r"[A-Za-z]{2,}", piece)
                    and piece not in translated
                    and piece not in translated_text
                ):
                    patterns.append(re.compile(rf"(?<![A-Za-z_]){re.escape(piece)}(?![A-Za-z_])"))
    return patterns


#: A file's name, which no language changes.
FILE_NAME = re.compile(r"[\w/.-]+\.(?:csv|md|json)\b")
#: How a Chinese page labels text kept in English (the data documentation's expanders).
IN_ENGLISH = ("（英文）",)


def copy_box_words(at: AppTest) -> list[str]:
    """The copy boxes' labels and buttons (stations/web/copy_link.py: the share and cite boxes),
    as the reader and a screen reader read them; not the link or citation they hold."""
    words = []
    for body in (e.value for e in at.get("html") if "copy-link" in e.value):
        words += [html.unescape(w) for w in re.findall(r"<(?:label|button)[^>]*>(.*?)</", body, re.S)]
    return words


def visible_texts(at: AppTest) -> list[str]:
    """What the page's reader sees: titles, headers, the headline and intro, metrics, the
    filters' labels, placeholders, help and captions, notices, buttons (download buttons too),
    expanders' titles, the copy boxes' labels, page links and the language switch. Markdown
    inside an expander titled as English text (the data documentation) is left out."""
    english = {id(m) for box in at.expander if box.label.endswith(IN_ENGLISH) for m in box.markdown}
    texts = [m.value for m in at.markdown if id(m) not in english]
    texts += [e.value for e in (*at.title, *at.header, *at.caption, *at.warning, *at.info)]
    texts += [box.label for box in at.expander] + copy_box_words(at)
    texts += [b.proto.label for b in at.get("download_button")]
    texts += [e.value for e in (*at.sidebar.header, *at.sidebar.caption)]
    texts += [m.label for m in at.metric] + [m.help or "" for m in at.metric]
    for menu in at.multiselect:
        texts += [menu.label, menu.placeholder or "", menu.help or ""]
        texts += list(menu.options)
    texts += [b.label for b in at.button]
    texts += [link.proto.label for link in at.get("page_link")]
    return [
        t for t in texts if t and "Embed" not in t and "Paste this" not in t and "live dashboard" not in t
    ]


def table_headers(at: AppTest) -> list[str]:
    """The tables' column headers as the reader sees them: a configured label, else the column's
    name (hidden columns left out)."""
    headers = []
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        for column in getattr(frame.value, "columns", []):
            entry = config.get(str(column), {})
            if entry.get("hidden") or (str(column) in config and entry is None):
                continue
            headers.append(entry.get("label") or str(column))
            if (
                "display_text" in entry.get("type_config", {})
                and "://" not in entry["type_config"]["display_text"]
            ):
                headers.append(entry["type_config"]["display_text"])
    return headers


@pytest.fixture(scope="module")
def fragments() -> dict[str, list[re.Pattern[str]]]:
    return {lang: english_fragments(lang) for lang in CHINESE}


TITLES = {
    "map": "110 Overseas: China's reported overseas police stations",
    "responses": "Government responses",
    "data": "Data & sources",
}


@pytest.mark.parametrize("page", ["map", "responses", "data"])
@pytest.mark.parametrize("lang", CHINESE)
def test_a_chinese_page_shows_no_english_catalog_string(page, lang, fragments) -> None:
    at = open_page(page, country="IT", lang=lang)
    texts = visible_texts(at)
    texts += table_headers(at)
    assert len(texts) > 15
    # File names stay as they are in every language (data/stations.csv, README.md).
    texts = [FILE_NAME.sub("", t) for t in texts]
    found = sorted({(p.pattern, t[:80]) for t in texts for p in fragments[lang] if p.search(t)})
    assert found == [], found
    # And the page is in that language: its title and the headline's words.
    assert at.title[0].value == translations(lang).gettext(TITLES[page])
    if page == "responses":  # the timeline's own words (tests/test_timeline.py checks them all)
        (chart,) = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
        assert chart["title"]["text"] == translations(lang).gettext("Actions by country over time")
    if page != "data":  # the data page's figures are of the whole data, not of the view
        assert ("意大利" if lang == SIMPLIFIED else "義大利") in " ".join(texts)


@pytest.mark.parametrize("page", ["map", "data"])
def test_the_english_fragments_would_find_an_untranslated_page(page, fragments) -> None:
    """The check above can fail: the same elements of the English page hold catalog strings."""
    at = open_page(page, country="IT")
    texts = visible_texts(at) + table_headers(at)
    found = {p.pattern for t in texts for p in fragments[SIMPLIFIED] if p.search(t)}
    assert len(found) > 20


@pytest.mark.parametrize("lang", CHINESE)
def test_the_chinese_data_page_cites_in_its_language_and_keeps_the_documentation_labelled(lang) -> None:
    at = open_page("data", country="IT", lang=lang)
    _ = translations(lang).gettext
    words = copy_box_words(at)
    for label in ("Link to the view you are citing", "Suggested citation", "Copy citation"):
        assert _(label) in words
    (citation,) = [
        html.unescape(t)
        for e in at.get("html")
        for t in re.findall(r"<textarea[^>]*>(.*?)</textarea>", e.value, re.S)
        if "CC BY 4.0" in t
    ]
    assert _("110 Overseas: China's reported overseas police stations") in citation
    assert "[Data set]" not in citation and "lang=" + lang in citation
    documentation = [box.label for box in at.expander if box.label.endswith(IN_ENGLISH)]
    assert _("Data dictionary and sources policy") + "（英文）" in documentation
    assert [b.proto.label for b in at.get("download_button")][0] == _("Download {file}").format(
        file="stations.csv"
    )


@pytest.mark.parametrize(
    ("value", "code", "link"),
    [
        ("zh-Hans", "zh-Hans", "zh-Hans"),
        ("zh-TW", "zh-Hant", "zh-Hant"),
        ("zh_hant", "zh-Hant", "zh-Hant"),
        ("zh", "zh-Hans", "zh-Hans"),
        ("en-US", "en", "en"),
    ],
)
def test_lang_in_a_link_is_read_tolerantly_and_written_canonically(value, code, link) -> None:
    at = open_page("map", country="IT", lang=value)
    assert url(at) == {"country": ["IT"], "lang": [link]}
    assert at.radio(key="filter_lang").value == code
    assert not at.warning


def test_an_unknown_lang_is_named_in_a_notice_and_the_page_stays_english() -> None:
    at = open_page("map", country="IT", lang="fr")
    assert url(at) == {"country": ["IT"]}
    (notice,) = [w.value for w in at.warning]
    assert "unknown lang" in notice and "fr" in notice
    assert at.radio(key="filter_lang").value == "en"


@pytest.mark.parametrize("lang", CHINESE)
@pytest.mark.parametrize("page", ["map", "data"])
def test_a_chinese_link_says_in_its_language_what_was_not_understood(page, lang, fragments) -> None:
    at = open_page(page, country="IT,Atlantis", colour="red", lang=lang)
    assert url(at) == {"country": ["IT"], "lang": [lang]}
    (notice,) = [w.value for w in at.warning if "Atlantis" in w.value]
    _ = translations(lang).gettext
    assert notice.startswith(_("Parts of this link were not understood and were ignored: "))
    assert _("unknown parameter {value}").format(value="'colour'") in notice
    assert [p.pattern for p in fragments[lang] if p.search(notice)] == []


@pytest.mark.parametrize("lang", CHINESE)
@pytest.mark.parametrize("page", ["map", "responses"])
def test_the_phone_drawer_speaks_the_language(page, lang, fragments) -> None:
    at = open_page(page, country="IT", lang=lang)
    _ = translations(lang).gettext
    sidebar = " ".join(e.value for e in at.sidebar.get("html"))
    label = re.search(r'content: "([^"]*)"', sidebar)
    assert label and label.group(1) == _("Filters ({count})").format(count=1)
    (button,) = re.findall(r'class="show-results-button">([^<]*)<', sidebar)
    what = ("Show {count} station", "Show {count} stations")
    if page == "responses":
        what = ("Show {count} action", "Show {count} actions")
    count = re.search(r"\d+", button)
    assert count and button == translations(lang).ngettext(*what, 2).format(count=count.group())
    assert [p.pattern for p in fragments[lang] if p.search(label.group(1) + button)] == []


@pytest.mark.parametrize("lang", CHINESE)
def test_the_embedded_maps_credit_line_speaks_the_language(lang, fragments) -> None:
    at = open_page("map", context={"url": "http://localhost/", "is_embedded": True}, country="FR", lang=lang)
    (credit,) = [c.value for c in at.caption if "CC BY 4" in c.value]
    _ = translations(lang).gettext
    assert credit.startswith("来源：保护卫士" if lang == SIMPLIFIED else "來源：保護衛士")
    assert _("data version {version}").format(version="") in credit
    assert _("Full map, filters and sources") in credit
    assert [p.pattern for p in fragments[lang] if p.search(re.sub(r"\(http[^)]*\)", "", credit))] == []


@pytest.mark.parametrize(
    ("lang", "rome", "milan"),
    [(SIMPLIFIED, "罗马", "米兰"), (TRADITIONAL, "羅馬", "米蘭"), ("en", "Rome", "Milan")],
)
def test_cities_are_named_from_the_register_in_chinese(lang, rome, milan) -> None:
    """data/places_zh.csv: Rome is CLDR's 罗马, Milan a source's 米兰 (Traditional by OpenCC);
    Bolzano has no sourced name yet, so every language shows the English one."""
    at = open_page("map", country="IT", lang=lang)
    table = next(f.value for f in at.dataframe if "city" in f.value.columns)  # the station table
    cities = set(table["city"])
    assert {rome, milan, "Bolzano"} <= cities
    assert lang == "en" or not {"Rome", "Milan", "Florence"} & cities
    picker = at.selectbox(key="filter_station")
    shown = [picker.format_func(o) for o in picker.options]
    assert any(label.startswith(rome) for label in shown), shown[:3]
    # The map's words: its script names each city through them (static/js/station-layer.js).
    script = map_script(at)
    for english, name in (("Rome", rome), ("Milan", milan)):
        assert (f'"{english}":"{name}"' in script) == (lang != "en")


def test_lang_round_trips_through_filters() -> None:
    options = Options(countries={"IT": "Italy", "FR": "France"}, station_ids=frozenset({"IT-rome-1"}))
    view, notices = Filters.from_query_params(
        {"country": "it", "lang": "zh-HK", "station": "IT-rome-1"}, options
    )
    assert notices == []
    assert view == Filters(country=("IT",), station="IT-rome-1", lang="zh-Hant")
    assert view.to_query_params() == {"country": "IT", "station": "IT-rome-1", "lang": "zh-Hant"}
    assert Filters(lang="zh-Hans").is_default, "the language is not a filter"
    assert Filters(lang="zh-Hans").without("lang") == Filters()


def test_switching_language_keeps_the_view_and_the_page() -> None:
    # No station here: AppTest cannot run again once a formatted selectbox holds a value (it
    # looks the value up among the labels); the browser test switches with a station selected.
    at = open_page("map", country="IT", bureau="qingtian", wave="sep-2022")
    before = url(at)
    assert before == {"country": ["IT"], "bureau": ["qingtian"], "wave": ["sep-2022"]}
    for code in (TRADITIONAL, SIMPLIFIED, "en"):
        at.radio(key="filter_lang").set_value(code).run()
        assert not at.exception
        after = url(at)
        assert {k: v for k, v in after.items() if k != "lang"} == before
        assert after["lang"] == [code]
        assert at.multiselect(key="filter_country").value == ["IT"]
        assert at.multiselect(key="filter_bureau").value == ["Qingtian"]
        assert shared_links(at) == ["/?" + "&".join(f"{k}={v[0]}" for k, v in after.items())]


@pytest.mark.parametrize("page", ["responses", "data"])
def test_switching_language_on_another_page_keeps_it_and_its_view(page) -> None:
    at = open_page(page, country="IT", lang="zh-Hans")
    at.radio(key="filter_lang").set_value(TRADITIONAL).run()
    assert not at.exception
    assert url(at) == {"country": ["IT"], "lang": [TRADITIONAL]}
    assert at.title[0].value == translations(TRADITIONAL).gettext(
        "Government responses" if page == "responses" else "Data & sources"
    )


def test_reset_keeps_the_language() -> None:
    at = open_page("map", country="IT", lang="zh-Hant")
    (reset,) = [b for b in at.button if b.label == "重置篩選"]
    reset.click().run()
    assert url(at) == {"lang": [TRADITIONAL]}


@pytest.fixture(scope="module")
def countries() -> dict[str, str]:
    import pandas as pd

    from tests.support.apptest import ROOT

    stations = pd.read_csv(ROOT / "data" / "stations.csv", dtype=str, keep_default_na=False)
    return dict(sorted(zip(stations["iso2"], stations["country"], strict=False), key=lambda p: p[1]))


@pytest.mark.parametrize("lang", CODES)
@pytest.mark.parametrize("typed", ["Ita", "Italy", "意大利", "義大利", "意"])
def test_the_country_menu_finds_italy_in_either_script_in_every_language(lang, typed, countries) -> None:
    menu = country_search.menu(countries, list(countries), lang)
    assert menu.first_for(typed) == "IT"


def test_the_chinese_country_menu_is_named_by_cldr(countries) -> None:
    hans = country_search.menu(countries, list(countries), SIMPLIFIED)
    hant = country_search.menu(countries, list(countries), TRADITIONAL)
    assert hans.label("IT") == "意大利" and hant.label("IT") == "義大利"
    assert hans.label("GB") == "英国" and hant.label("GB") == "英國"
    # English names still lead Enter to their country in a Chinese menu.
    assert hans.first_for("UK") == "GB" and hant.first_for("Nether") == "NL"
