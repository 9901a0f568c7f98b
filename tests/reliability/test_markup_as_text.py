"""Markup in any text field of either CSV reaches every view as text (AppTest level).

What the browser receives is checked here without a browser: the map's JSON holds no raw ``<``
and parses back to the exact text; Markdown shows every special character escaped; tables and
the chart carry the text verbatim as data. ``test_markup_in_browser.py`` then proves in Chromium
that nothing runs. The schema's URL rule is the first line of defence for links, so it is
fuzzed here too.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from stations.data import load, synthetic, vocab
from tests.support.reliability import (
    MARKUP_URL,
    PAGES,
    RESPONSE_TEXT_FIELDS,
    STATION_TEXT_FIELDS,
    examples,
    map_script,
    map_table,
    new_app,
    record,
    unescaped_markup,
    write_payload_dataset,
)


@pytest.fixture(scope="module")
def payload_data(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[list[dict[str, str]], list[dict[str, str]]]]:
    directory = tmp_path_factory.mktemp("markup") / "data"
    rows = write_payload_dataset(directory)
    assert load.load_dataset(directory)  # the payloads are valid data: the schema lets them in
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STATIONS_DATA_DIR", str(directory))
        yield rows


def station_texts(stations: list[dict[str, str]]) -> list[str]:
    return [row[field] for row in stations for field in STATION_TEXT_FIELDS]


def test_map_json_holds_no_markup_and_round_trips_every_text_field(payload_data) -> None:
    stations, _ = payload_data
    at = new_app(PAGES["map"]).run()
    assert not at.exception
    script = map_script(at)
    table = map_table(at)
    assert not re.search(r"[<>]", table), "raw angle brackets in the map's data"
    assert "</script" not in script.lower()
    columns = json.loads(table)["columns"]
    for row in stations:
        i = columns["station_id"].index(row["station_id"])
        for field in ("city", "country", "address", "bureau_district", "host_organisation"):
            record("markup: map fields")
            assert columns[field][i] == row[field], field  # text kept exactly, not stripped
        first = columns["sources"][i][0]  # [url, outlet name], or a bare URL
        assert (first[0] if isinstance(first, list) else first) == MARKUP_URL


def test_station_panel_escapes_every_field_and_links(payload_data) -> None:
    stations, _ = payload_data
    for row in stations:
        at = new_app(PAGES["map"])
        at.query_params["station"] = [row["station_id"]]
        at.run()
        record("markup: station panel")
        assert not at.exception
        assert at.selectbox(key="filter_station").value == row["station_id"]
        panel = "\n".join(m.value for m in at.markdown)
        assert not unescaped_markup(panel, "<>`$"), "unescaped markup in the panel"
        for field in STATION_TEXT_FIELDS:
            assert row[field] not in panel, f"{field} shown raw in Markdown"
        assert "(javascript:" not in panel and '](https://example.org/"' not in panel
        assert any(row["notes"] == t.value for t in at.text), "notes shown with st.text, verbatim"


def test_tables_carry_the_text_verbatim(payload_data) -> None:
    stations, responses = payload_data
    at = new_app(PAGES["map"]).run()
    shown = {str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()}
    for row in stations:
        for field in ("country", "city", "host_organisation"):
            record("markup: table cells")
            assert row[field] in shown, field
    at = new_app(PAGES["responses"]).run()
    assert not at.exception
    shown = {str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()}
    for row in responses:
        for field in ("actor", "summary"):
            record("markup: table cells")
            assert row[field] in shown, field


def test_chart_gets_the_text_as_data_not_markup(payload_data) -> None:
    _, responses = payload_data
    at = new_app(PAGES["responses"]).run()
    charts = at.get("vega_lite_chart")
    assert charts, "no chart on the responses page"
    spec = json.loads(charts[0].proto.spec)
    assert '"html"' not in json.dumps(spec).lower(), "a tooltip or mark set to render HTML"
    assert not re.search(r"<[a-z/!]", json.dumps(spec), re.I), "markup inside the chart spec itself"
    assert len(responses) > 0 and set(RESPONSE_TEXT_FIELDS) >= {"actor", "summary"}
    record("markup: chart spec", 1)


@pytest.mark.parametrize("page", ["map", "responses", "data"])
def test_no_page_renders_data_as_html(payload_data, page: str) -> None:
    """No element that renders raw HTML (``unsafe_allow_html`` markdown, st.html) holds data."""
    at = new_app(PAGES[page]).run()
    record("markup: pages scanned")
    assert not at.exception
    for element in at.markdown:
        if getattr(element.proto, "allow_html", False):
            assert "#" not in element.value or ":" not in element.value, element.value[:120]
    for html in at.get("html"):
        assert "pwned" not in html.proto.body


# -- template syntax ----------------------------------------------------------------------------------

JINJA_TEXT = [
    "{{ lipsum.__globals__['os'].getpid() }}",  # runs code in the server if rendered as Jinja
    "{{ lipsum.__globals__['os'].environ.__setitem__('RELIABILITY_SSTI', 'ran') }}",
    "{{ 7*7 }}",
    "{% if true %}x{% endif %}",
    "{# an open comment swallows the rest of the script",
    "{{constructor.constructor('window.__pwned=1')()}}",
]


@pytest.mark.parametrize("text", JINJA_TEXT)
def test_template_syntax_in_data_is_shown_as_text_not_run_by_jinja(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """folium/branca render the map's script once, then wrap it in ``Element(script)``, which
    is a Jinja template rendered again: data text must not be able to take part in that."""
    record("markup: template syntax")
    rows = synthetic.stations_rows(3)
    rows[0]["host_organisation"] = f"{text}-MARK"
    directory = synthetic.write_dataset(tmp_path / "data", stations=rows)
    monkeypatch.setenv("STATIONS_DATA_DIR", str(directory))
    monkeypatch.delenv("RELIABILITY_SSTI", raising=False)
    try:
        at = new_app(PAGES["map"]).run()
        ran = os.environ.get("RELIABILITY_SSTI")
    finally:
        os.environ.pop("RELIABILITY_SSTI", None)
    assert ran is None, "text from the CSV ran as code in the server"
    assert not at.exception, [e.value for e in at.exception]
    table = map_table(at)
    assert f"{text}-MARK" in json.loads(table)["columns"]["host_organisation"]


# -- the schema's URL rule --------------------------------------------------------------------------

REJECTED_SOURCES = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "https:evil.example",
    "http://",
    "ftp://example.org/x",
    "https://example.org/x | javascript:alert(1)",
    "https://example.org/x |javascript:alert(1)",
    "https://example.org/a b",
    "file:///etc/passwd",
    "",
]


def sources_problems(tmp_path: Path, value: str) -> list[load.Problem]:
    rows = synthetic.stations_rows(3)
    rows[1]["sources"] = value
    path = tmp_path / "stations.csv"
    path.write_text(synthetic.to_csv(rows, vocab.STATION_COLUMNS), encoding="utf-8")
    _, problems = load.check_stations(path, "stations.csv")
    return [p for p in problems if p.column == "sources"]


@pytest.mark.parametrize("value", REJECTED_SOURCES)
def test_schema_rejects_sources_that_are_not_http_urls(tmp_path: Path, value: str) -> None:
    record("markup: rejected source URLs")
    problems = sources_problems(tmp_path, value)
    assert problems and problems[0].line == 3, (value, problems)


@settings(
    max_examples=examples(150),
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=st.text(min_size=1, max_size=60))
def test_schema_accepts_only_values_that_every_part_is_http(tmp_path: Path, value: str) -> None:
    """Whatever the text, an accepted sources cell is http(s) URLs only: no other scheme can
    reach an href."""
    record("markup: arbitrary source cells")
    value = value.replace("\x00", "")
    problems = sources_problems(tmp_path, value)
    if not problems:
        parts = value.split(vocab.SOURCE_SEPARATOR)
        assert all(re.match(r"(?i)^https?://\S", p) for p in parts), value
