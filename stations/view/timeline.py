"""The government responses' timeline as a chart specification (Vega-Lite through Altair).

A pure function from the actions in view to a chart: the page only hands it to Streamlit, so
the tests read the specification (colours, shapes, spans of partial dates) without Streamlit.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from stations.data import vocab
from stations.i18n import ENGLISH, N_, country_label, format_date, translations
from stations.view.credit import Credit

#: One colour per action class, strongest first: each at least 3:1 against the page's white
#: background (WCAG 1.4.11) and far from every other in normal vision. Where two are close for a
#: reader with a colour-vision deficiency, their shapes differ (the tests check both).
TIMELINE_COLOURS: dict[str, str] = {
    "conviction": "#000000",
    "charges": "#A50026",
    "arrests": "#D55E00",
    "station_closed": "#882255",
    "closure_ordered": "#CC79A7",
    "cooperation_agreement_ended": "#8C510A",
    "investigation_opened": "#332288",
    "summoned_ambassador": "#3288BD",
    "parliamentary_inquiry": "#009E73",
    "statement_of_concern": "#999933",
    "other": "#E7298A",
    "denied_or_no_action": "#6B6B6B",
}
ACTION_SHAPES: dict[str, str] = {
    "conviction": "circle",
    "charges": "square",
    "arrests": "triangle-up",
    "station_closed": "diamond",
    "closure_ordered": "circle",
    "cooperation_agreement_ended": "circle",
    "investigation_opened": "square",
    "summoned_ambassador": "triangle-up",
    "parliamentary_inquiry": "square",
    "statement_of_concern": "diamond",
    "other": "cross",
    "denied_or_no_action": "triangle-down",
}
#: The page's text colour (.streamlit/config.toml), for the legend and the axes: full contrast.
TEXT_COLOUR = "#1f1f1f"
PRECISION_NOTES = {"day": "", "month": " (month only)", "year": " (year only)"}
#: The time axis's labels on a chart in another language than English (a d3 time format).
# TRANSLATORS: the time axis's year labels, a d3 time format (%Y is the year: 2023).
YEAR_FORMAT = N_("%Y")
#: The same notes on a Chinese chart, whose dates are written out (2022年12月).
PRECISION_WORDS = {"day": "", "month": N_("{date} (month only)"), "year": N_("{date} (year only)")}


def span_of(date: str) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """The period a partial date means, as [start, end) and its precision: ``2022`` is all of
    2022, not 1 January (which would put an act before the report it answered)."""
    start = pd.Timestamp(date + "-01-01"[len(date) - 4 :])
    if len(date) == 4:
        return start, start + pd.DateOffset(years=1), "year"
    if len(date) == 7:
        return start, start + pd.DateOffset(months=1), "month"
    return start, start + pd.DateOffset(days=1), "day"


#: Pixels between two actions of one country on one date (or one partial period): side by
#: side across the row, so that neither hides the other.
SAME_DATE_GAP = 10


def _date_label(date: str, precision: str, lang: str) -> str:
    """The date as the tooltip says it, with how precise it is: ``2022-10 (month only)``;
    ``2022年10月（仅知月份）`` in Chinese."""
    if lang == ENGLISH:
        return date + PRECISION_NOTES[precision]
    written = format_date(date, lang)
    if precision == "day":
        return written
    return translations(lang).gettext(PRECISION_WORDS[precision]).format(date=written)


def timeline_frame(actions: pd.DataFrame, lang: str = ENGLISH) -> pd.DataFrame:
    """One row per action with the span its date means, a label that says how precise it is,
    and an offset (pixels, across its country's row) that keeps same-date actions apart; the
    dates, countries and actions in ``lang`` (actors and summaries stay as the data has them)."""
    spans = [span_of(d) for d in actions["date"]]
    countries = actions["country"]
    if lang != ENGLISH:
        countries = pd.Series(
            [country_label(i, c, lang) for i, c in zip(actions["iso2"], actions["country"], strict=True)],
            index=actions.index,
        )
    frame = pd.DataFrame(
        {
            "start": [s for s, _, _ in spans],
            "end": [e for _, e, _ in spans],
            "precision": [p for _, _, p in spans],
            "date": [_date_label(d, p, lang) for d, (_, _, p) in zip(actions["date"], spans, strict=True)],
            "country": countries.to_numpy(),
            "action": actions["action_type"].map(vocab.action_labels(lang)).to_numpy(),
            "actor": actions["actor"].to_numpy(),
            "summary": actions["summary"].to_numpy(),
        }
    )
    same = frame.groupby(["country", "start", "end"], sort=False)
    rank, size = same.cumcount(), same["start"].transform("size")
    return frame.assign(offset=(rank - (size - 1) / 2) * SAME_DATE_GAP)


def timeline_chart(
    actions: pd.DataFrame, credit: Credit | None = None, lang: str = ENGLISH
) -> alt.LayerChart:
    """Exact dates as points, partial dates as bars over their month or year; one colour and one
    shape per action class, with a legend of the classes in view under the chart. ``credit``
    (sources, data version, licence, link) is part of the chart, so that every export of it
    carries it. Every word of the chart is in ``lang`` (the time axis's month names are
    Vega's, in English: a Chinese chart labels its axis by year)."""
    _ = translations(lang).gettext
    frame = timeline_frame(actions, lang)
    labels = vocab.action_labels(lang)
    order = [labels[a] for a in vocab.ACTION_TYPES]
    present = [label for label in order if label in set(frame["action"])]
    colours = alt.Scale(domain=order, range=[TIMELINE_COLOURS[a] for a in vocab.ACTION_TYPES])
    shapes = alt.Scale(domain=order, range=[ACTION_SHAPES[a] for a in vocab.ACTION_TYPES])
    # One column under the chart: it fits a phone's width, and no label is cut short.
    legend = alt.Legend(
        title=_("Action (strongest first)"),
        values=present,
        orient="bottom",
        direction="vertical",
        columns=1,
        labelLimit=0,
        symbolOpacity=1,
        labelColor=TEXT_COLOUR,
        titleColor=TEXT_COLOUR,
    )
    tooltip = [
        alt.Tooltip("date:N", title=_("Date")),
        alt.Tooltip("country:N", title=_("Country")),
        alt.Tooltip("action:N", title=_("Action")),
        alt.Tooltip("actor:N", title=_("Actor") if lang == ENGLISH else _("Actor (in English)")),
        alt.Tooltip("summary:N", title=_("Summary") if lang == ENGLISH else _("Summary (in English)")),
    ]
    # Vega writes month names in English: a Chinese axis says years only (2023年).
    axis = None if lang == ENGLISH else alt.Axis(format=_(YEAR_FORMAT), tickCount="year")
    base = alt.Chart(frame).encode(
        x=alt.X("start:T", title=_("Date"), **({} if axis is None else {"axis": axis})),
        y=alt.Y("country:N", title=None, sort="ascending", scale=alt.Scale(type="point", padding=0.6)),
        yOffset=alt.YOffset("offset:Q", scale=None),
        tooltip=tooltip,
    )
    spans = (
        base.transform_filter(alt.datum.precision != "day")
        .mark_rule(strokeWidth=7, strokeCap="round", opacity=1)
        .encode(x2="end:T", color=alt.Color("action:N", scale=colours))
    )
    points = (
        base.transform_filter(alt.datum.precision == "day")
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            color=alt.Color("action:N", scale=colours, legend=legend),
            shape=alt.Shape("action:N", scale=shapes, legend=legend),
        )
    )
    # short lines: one long line is cut short on a phone
    subtitle = [_("A bar spans the month or year of an action"), _("whose exact day is not known.")]
    if credit is not None:
        subtitle += credit.short_lines(lang)
    title = alt.Title(_("Actions by country over time"), subtitle=subtitle, anchor="start")
    return (
        alt.layer(spans, points, title=title)
        .properties(height=alt.Step(22))
        .configure_axis(labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR)
    )
