"""The Government responses timeline: a legend, one distinguishable colour per action class, and
partial dates drawn as the span they mean (the chart's Vega-Lite spec, without a browser)."""

from __future__ import annotations

import io
import itertools
import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import vl_convert
from PIL import Image

from stations.data import load, vocab
from stations.view import chart_image, timeline
from stations.view.credit import CREDIT_KEY, Credit, png_text

ROOT = Path(__file__).resolve().parent.parent
BACKGROUND = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]["backgroundColor"]


# Colour science for the checks: WCAG relative luminance, CIELAB distance, and Machado et al.
# (2009) simulation of full dichromacy.


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    r, g, b = (_linear(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return r, g, b


def contrast(a: str, b: str) -> float:
    def luminance(c: str) -> float:
        r, g, b_ = _rgb(c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


DICHROMACY = {
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def distance(a: str, b: str, vision: str | None = None) -> float:
    """CIE76 colour difference, as seen with normal vision or with a dichromacy."""

    def seen(c: str) -> tuple[float, float, float]:
        rgb = _rgb(c)
        if vision is None:
            return _lab(rgb)
        m = DICHROMACY[vision]
        return _lab(tuple(min(1.0, max(0.0, sum(m[i][j] * rgb[j] for j in range(3)))) for i in range(3)))

    return math.dist(seen(a), seen(b))


# The palette ----------------------------------------------------------------------------------


def test_every_action_class_has_its_own_colour_and_shape_entry() -> None:
    assert list(timeline.TIMELINE_COLOURS) == list(vocab.ACTION_TYPES)
    assert list(timeline.ACTION_SHAPES) == list(vocab.ACTION_TYPES)
    colours = [c.lower() for c in timeline.TIMELINE_COLOURS.values()]
    assert len(set(colours)) == len(colours)


@pytest.mark.parametrize("action", vocab.ACTION_TYPES)
def test_each_colour_stands_out_from_the_page_at_3_to_1(action: str) -> None:
    assert contrast(timeline.TIMELINE_COLOURS[action], BACKGROUND) >= 3.0


def test_colours_are_far_apart_in_normal_vision() -> None:
    pairs = itertools.combinations(timeline.TIMELINE_COLOURS.items(), 2)
    closest = min((distance(a, b), x, y) for (x, a), (y, b) in pairs)
    assert closest[0] >= 25, closest


def test_classes_a_colour_blind_reader_could_confuse_differ_in_shape() -> None:
    colours, shapes = timeline.TIMELINE_COLOURS, timeline.ACTION_SHAPES
    confusable = [
        (x, y, vision)
        for x, y in itertools.combinations(vocab.ACTION_TYPES, 2)
        for vision in DICHROMACY
        if distance(colours[x], colours[y], vision) < 20
    ]
    assert confusable  # the check is not vacuous: twelve colours cannot all stay apart
    assert [(x, y, v) for x, y, v in confusable if shapes[x] == shapes[y]] == []


# Partial dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "start", "end", "precision"),
    [
        ("2022", "2022-01-01", "2023-01-01", "year"),
        ("2022-10", "2022-10-01", "2022-11-01", "month"),
        ("2022-12", "2022-12-01", "2023-01-01", "month"),
        ("2024-02-29", "2024-02-29", "2024-03-01", "day"),
    ],
)
def test_a_partial_date_means_its_whole_period(date: str, start: str, end: str, precision: str) -> None:
    assert timeline.span_of(date) == (pd.Timestamp(start), pd.Timestamp(end), precision)


def _actions(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"date": d, "country": c, "action_type": a, "actor": "Ministry", "summary": "s", "iso2": "XX"}
            for d, c, a in rows
        ]
    )


def test_chart_draws_partial_dates_as_bars_and_exact_dates_as_points() -> None:
    actions = _actions(
        ("2022", "Sweden", "statement_of_concern"),
        ("2022-10", "Ireland", "closure_ordered"),
        ("2022-10-26", "Netherlands", "investigation_opened"),
    )
    spec = timeline.timeline_chart(actions).to_dict()
    rows = next(iter(spec["datasets"].values()))
    by_country = {r["country"]: r for r in rows}
    assert by_country["Sweden"]["start"].startswith("2022-01-01")
    assert by_country["Sweden"]["end"].startswith("2023-01-01")
    assert by_country["Sweden"]["date"] == "2022 (year only)"
    assert by_country["Ireland"]["date"] == "2022-10 (month only)"
    bars, points = spec["layer"]
    assert bars["mark"]["type"] == "rule"
    assert bars["encoding"]["x"]["field"] == "start" and bars["encoding"]["x2"]["field"] == "end"
    assert bars["transform"] == [{"filter": "(datum.precision !== 'day')"}]
    assert points["mark"]["type"] == "point"
    assert points["transform"] == [{"filter": "(datum.precision === 'day')"}]


def test_year_only_actions_are_not_drawn_before_the_report_they_answer() -> None:
    """The review found Czech, German, Slovak and Swedish "2022" acts plotted on 1 January 2022,
    before the September report: as bars they cover the year, and the report falls inside."""
    responses = load.load_dataset(ROOT / "data").responses
    year_only = responses[responses["date"].str.len() == 4]
    assert not year_only.empty
    frame = timeline.timeline_frame(year_only)
    assert set(frame["precision"]) == {"year"}
    report = pd.Timestamp("2022-09-01")
    for row in frame[frame["start"].dt.year == 2022].itertuples():
        assert row.start < report < row.end


def test_chart_has_a_legend_of_the_classes_in_view_in_strength_order() -> None:
    actions = _actions(
        ("2023-01-02", "Italy", "statement_of_concern"),
        ("2023-02-03", "Italy", "conviction"),
        ("2023", "Spain", "arrests"),
    )
    spec = timeline.timeline_chart(actions).to_dict()
    _, points = spec["layer"]
    colour, shape = points["encoding"]["color"], points["encoding"]["shape"]
    expected = [vocab.ACTION_LABELS[a] for a in ("conviction", "arrests", "statement_of_concern")]
    for channel in (colour, shape):
        assert channel["field"] == "action"
        assert channel["legend"]["values"] == expected
        assert channel["legend"]["title"] == "Action (strongest first)"
        assert channel["legend"]["labelLimit"] == 0  # no label cut short
    order = [vocab.ACTION_LABELS[a] for a in vocab.ACTION_TYPES]
    assert colour["scale"] == {
        "domain": order,
        "range": [timeline.TIMELINE_COLOURS[a] for a in vocab.ACTION_TYPES],
    }
    assert shape["scale"]["range"] == [timeline.ACTION_SHAPES[a] for a in vocab.ACTION_TYPES]
    # the bars use the same colours (one scale), and their legend is the points' one
    assert spec["layer"][0]["encoding"]["color"]["scale"] == colour["scale"]


def test_same_day_actions_of_one_country_are_drawn_side_by_side() -> None:
    actions = _actions(
        ("2022-12-07", "Italy", "station_closed"),
        ("2022-12-07", "Italy", "investigation_opened"),
        ("2022-12-07", "Spain", "statement_of_concern"),
        ("2022-12", "Italy", "other"),
        ("2022-12", "Italy", "arrests"),
    )
    frame = timeline.timeline_frame(actions)
    same_day = frame[(frame["country"] == "Italy") & (frame["precision"] == "day")]["offset"]
    assert sorted(same_day) == [-timeline.SAME_DATE_GAP / 2, timeline.SAME_DATE_GAP / 2]
    assert frame.loc[frame["country"] == "Spain", "offset"].tolist() == [0]  # alone on its date
    same_month = frame[(frame["country"] == "Italy") & (frame["precision"] == "month")]["offset"]
    assert same_month.nunique() == 2  # two bars over one month do not cover each other either
    spec = timeline.timeline_chart(actions).to_dict()
    for layer in spec["layer"]:
        assert layer["encoding"]["yOffset"] == {"field": "offset", "type": "quantitative", "scale": None}


CREDIT = Credit("2026-11-27.2", "2026-11-27", "https://maps.example.org/Government_responses?country=IT")


def test_the_chart_carries_the_credit_line_so_its_own_export_does() -> None:
    actions = _actions(("2022-12-07", "Italy", "station_closed"))
    title = timeline.timeline_chart(actions, CREDIT).to_dict()["title"]
    subtitle = " ".join(title["subtitle"])
    for needed in ("Safeguard Defenders", "data version 2026-11-27.2", "CC BY 4.0", CREDIT.link):
        assert needed in subtitle
    assert all(len(line) <= 80 for line in title["subtitle"][2:-1])  # not cut short on a phone
    assert "Safeguard" not in " ".join(timeline.timeline_chart(actions).to_dict()["title"]["subtitle"])


def test_timeline_png_is_drawn_offline_with_its_credit_drawn_and_in_its_metadata() -> None:
    actions = load.load_dataset(ROOT / "data").responses
    actions = actions[actions["iso2"] == "IT"]
    with_credit = chart_image.vega_lite_png(timeline.timeline_chart(actions, CREDIT).to_dict(), CREDIT, "T")
    without = chart_image.vega_lite_png(
        timeline.timeline_chart(actions).to_dict(), Credit(None, None, ""), "T"
    )
    text = png_text(with_credit)
    assert CREDIT.link in text[CREDIT_KEY] and "CC BY 4.0" in text[CREDIT_KEY]
    assert text["Source"] == CREDIT.link
    with Image.open(io.BytesIO(with_credit)) as one, Image.open(io.BytesIO(without)) as other:
        assert one.format == "PNG"
        # Three more lines of text over the plot: the credit, drawn (dark pixels) in that band.
        extra = one.height - other.height
        assert extra >= 3 * 14 * chart_image.SCALE, (one.height, other.height)
        band = np.asarray(one.convert("L"))[other.height // 6 : other.height // 6 + extra, :]
        assert (band < 110).sum() > 500


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_a_chinese_timeline_says_every_word_in_chinese(lang: str) -> None:
    from stations.i18n import translations
    from tests.test_languages_app import english_fragments

    actions = _actions(
        ("2022", "Sweden", "statement_of_concern"),
        ("2022-10", "Ireland", "closure_ordered"),
        ("2022-10-26", "Netherlands", "investigation_opened"),
    ).assign(iso2=["SE", "IE", "NL"])
    spec = timeline.timeline_chart(actions, CREDIT, lang).to_dict()
    _ = translations(lang).gettext
    assert spec["title"]["text"] == _("Actions by country over time")
    encoding = spec["layer"][1]["encoding"]
    assert encoding["color"]["legend"]["title"] == _("Action (strongest first)")
    assert spec["layer"][0]["encoding"]["x"]["axis"]["format"] == "%Y年"
    words = [spec["title"]["text"], *spec["title"]["subtitle"], encoding["color"]["legend"]["title"]]
    words += [t["title"] for t in encoding["tooltip"]] + [spec["layer"][0]["encoding"]["x"]["title"]]
    rows = next(iter(spec["datasets"].values()))
    words += [r["date"] for r in rows] + [r["action"] for r in rows] + [r["country"] for r in rows]
    assert {r["country"] for r in rows} == (
        {"瑞典", "爱尔兰", "荷兰"} if lang == "zh-Hans" else {"瑞典", "愛爾蘭", "荷蘭"}
    )
    year_only, month_only = (_("{date} (year only)"), _("{date} (month only)"))
    assert {r["date"] for r in rows} == {
        year_only.format(date="2022年"),
        month_only.format(date="2022年10月"),
        "2022年10月26日",
    }
    text = " ".join(w for w in words if "://" not in w)
    assert [p.pattern for p in english_fragments(lang) if p.search(text)] == []
    # The English chart is unchanged: the PNG is drawn from it.
    english = timeline.timeline_chart(actions, CREDIT).to_dict()
    assert english["title"]["text"] == "Actions by country over time"
    assert "axis" not in english["layer"][0]["encoding"]["x"]


def _drawn_words(spec: dict) -> list[str]:
    """The texts vl-convert draws from a timeline spec: title and subtitle, legend and axis
    titles, the axis labels (countries) and legend labels (actions); tooltips are not drawn."""
    encoding = spec["layer"][1]["encoding"]
    rows = next(iter(spec["datasets"].values()))
    return [
        spec["title"]["text"],
        *spec["title"]["subtitle"],
        encoding["color"]["legend"]["title"],
        spec["layer"][0]["encoding"]["x"]["title"],
        *{r["country"] for r in rows},
        *{r["action"] for r in rows},
    ]


def _ink(png: bytes) -> int:
    with Image.open(io.BytesIO(png)) as picture:
        return int((np.asarray(picture.convert("L")) < 110).sum())


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_a_chinese_timeline_png_is_drawn_in_its_scripts_font_with_every_glyph(lang: str) -> None:
    from matplotlib import ft2font

    from stations.i18n import gettext
    from stations.view import fonts

    actions = load.load_dataset(ROOT / "data").responses
    actions = actions[actions["iso2"].isin(["IT", "NL", "IE"])]
    spec = timeline.timeline_chart(actions, CREDIT, lang).to_dict()
    drawn = chart_image.drawn_spec(spec, lang=lang)
    family = fonts.FAMILIES[lang]
    assert drawn["config"]["font"] == family
    face = fonts.face(family)
    assert face is not None, f"{family} is not installed: `make fonts` installs Debian's {fonts.PACKAGE}"
    # Every character drawn has a glyph in that face: no empty box in the image.
    glyphs = ft2font.FT2Font(face.path, face_index=face.index).get_charmap()
    missing = {c for word in _drawn_words(spec) for c in word if not c.isspace() and ord(c) not in glyphs}
    assert missing == set()
    png = chart_image.vega_lite_png(spec, CREDIT, gettext("Actions by country over time", lang), lang=lang)
    # vl-convert found the family: in a family it does not know it draws no text at all.
    unknown = vl_convert.vegalite_to_png({**drawn, "config": {**drawn["config"], "font": "No such family"}})
    plain = vl_convert.vegalite_to_png(drawn)
    assert _ink(plain) > 1.5 * _ink(unknown), (_ink(plain), _ink(unknown))
    text = png_text(png)
    assert text["Title"] == gettext("Actions by country over time", lang) != "Actions by country over time"
    assert (
        gettext("Sources: Safeguard Defenders' reports and the outlets each row cites.", lang)
        in text[CREDIT_KEY]
    )
