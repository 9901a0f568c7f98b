"""Views of the government responses: the filter, the timeline chart, the tables."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from stations.data import export, publishers, vocab
from stations.view import chart_image, citation
from stations.view.credit import Credit
from stations.view.filters import Filters
from stations.web import correction_view, state
from stations.web.image_export import view_credit
from stations.web.ui import CSV_HELP, Data, download_name

#: This page's address path, for links back to it.
PAGE = "Government_responses"


def filter_responses(data: Data, filters: Filters) -> pd.DataFrame:
    """Responses of the host countries in view: the station filters decide which countries."""
    stations = data.view(filters).frame
    countries = set(stations["iso2"])
    actions = data.responses[data.responses["iso2"].isin(countries)]
    if filters.action:
        wanted = set(filters.action) - {vocab.NO_ACTION}
        actions = actions[actions["action_type"].isin(wanted)]
    return actions.sort_values(["date", "country"])


def headline(data: Data, filters: Filters, actions: pd.DataFrame) -> None:
    stations = data.view(filters).frame
    silent = [
        data.summary.at[c, "country"]
        for c in sorted(set(stations["iso2"]))
        if data.summary.at[c, "strongest_action"] == vocab.NO_ACTION
    ]
    cols = st.columns(3)
    cols[0].metric("Actions recorded", len(actions))
    cols[1].metric("Countries that acted", actions["iso2"].nunique())
    cols[2].metric("Host countries with no action reported", len(silent))


#: One colour per action class, strongest first: each at least 3:1 against the page's white
#: background (WCAG 1.4.11) and far from every other in normal vision. Where two are close for a
#: reader with a colour-vision deficiency, their shapes differ (the tests check both).
ACTION_COLOURS: dict[str, str] = {
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


def timeline_frame(actions: pd.DataFrame) -> pd.DataFrame:
    """One row per action with the span its date means, a label that says how precise it is,
    and an offset (pixels, across its country's row) that keeps same-date actions apart."""
    spans = [span_of(d) for d in actions["date"]]
    frame = pd.DataFrame(
        {
            "start": [s for s, _, _ in spans],
            "end": [e for _, e, _ in spans],
            "precision": [p for _, _, p in spans],
            "date": [d + PRECISION_NOTES[p] for d, (_, _, p) in zip(actions["date"], spans, strict=True)],
            "country": actions["country"].to_numpy(),
            "action": actions["action_type"].map(vocab.ACTION_LABELS).to_numpy(),
            "actor": actions["actor"].to_numpy(),
            "summary": actions["summary"].to_numpy(),
        }
    )
    same = frame.groupby(["country", "start", "end"], sort=False)
    rank, size = same.cumcount(), same["start"].transform("size")
    return frame.assign(offset=(rank - (size - 1) / 2) * SAME_DATE_GAP)


def timeline_chart(actions: pd.DataFrame, credit: Credit | None = None) -> alt.LayerChart:
    """Exact dates as points, partial dates as bars over their month or year; one colour and one
    shape per action class, with a legend of the classes in view under the chart. ``credit``
    (sources, data version, licence, link) is part of the chart, so that every export of it
    carries it."""
    frame = timeline_frame(actions)
    order = [vocab.ACTION_LABELS[a] for a in vocab.ACTION_TYPES]
    present = [label for label in order if label in set(frame["action"])]
    colours = alt.Scale(domain=order, range=[ACTION_COLOURS[a] for a in vocab.ACTION_TYPES])
    shapes = alt.Scale(domain=order, range=[ACTION_SHAPES[a] for a in vocab.ACTION_TYPES])
    # One column under the chart: it fits a phone's width, and no label is cut short.
    legend = alt.Legend(
        title="Action (strongest first)",
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
        alt.Tooltip("date:N", title="Date"),
        alt.Tooltip("country:N", title="Country"),
        alt.Tooltip("action:N", title="Action"),
        alt.Tooltip("actor:N", title="Actor"),
        alt.Tooltip("summary:N", title="Summary"),
    ]
    base = alt.Chart(frame).encode(
        x=alt.X("start:T", title="Date"),
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
    subtitle = ["A bar spans the month or year of an action", "whose exact day is not known."]
    if credit is not None:
        subtitle += credit.short_lines()
    title = alt.Title("Actions by country over time", subtitle=subtitle, anchor="start")
    return (
        alt.layer(spans, points, title=title)
        .properties(height=alt.Step(22))
        .configure_axis(labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR)
    )


def timeline(actions: pd.DataFrame) -> None:
    if actions.empty:
        st.info("No government action is recorded for the countries in this view.")
        return
    credit = view_credit(state.current(), PAGE)
    chart = timeline_chart(actions, credit)
    st.altair_chart(chart, width="stretch")
    st.download_button(
        "Download timeline as PNG",
        data=lambda: chart_image.vega_lite_png(chart.to_dict(), credit, "Actions by country over time"),
        file_name=download_name("timeline", "png"),
        mime="image/png",
        on_click="ignore",
        icon=":material/image:",
        help="The timeline with its credit line (sources, data version, licence, link to this view).",
    )


def table(actions: pd.DataFrame) -> None:
    st.subheader("Actions, with sources")
    pairs = publishers.source_pairs(actions)
    links = source_links(actions)
    frame = actions.assign(
        action=actions["action_type"].map(vocab.ACTION_LABELS),
        # Who says so, by name (weak sources flagged), so no reader has to decode a host.
        outlets=["; ".join(label for _, label in p) for p in pairs],
    )[["date", "country", "actor", "action", "summary", "confidence", "outlets", "response_id"]]
    frame = pd.concat([frame, links.set_axis(frame.index)], axis=1)
    if citation.repository_url():
        frame = frame.assign(correction=corrections(actions))
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "date": st.column_config.TextColumn("Date"),
            "country": st.column_config.TextColumn("Country"),
            "actor": st.column_config.TextColumn("Actor"),
            "action": st.column_config.TextColumn("Action"),
            "summary": st.column_config.TextColumn("Summary", width="large"),
            "confidence": st.column_config.TextColumn("Confidence"),
            "outlets": st.column_config.TextColumn("Sources (outlets)", width="medium"),
            # Kept in the data (corrections name the row) but not shown: an internal id.
            "response_id": None,
            **{
                name: st.column_config.LinkColumn(name, display_text=HOST_TEXT, help="Opens the source")
                for name in links.columns
            },
            "correction": st.column_config.LinkColumn("Correction", display_text="Suggest a correction"),
        },
    )


#: A source link's text: its host, as the address bar shows it (the outlets column names them).
HOST_TEXT = r"https?://(?:www\.)?([^/?#]+)"


def source_links(actions: pd.DataFrame) -> pd.DataFrame:
    """Each action's sources as links, one column each ("Source 1" is the strongest: sources
    are listed strongest first), so that every source can be opened from the table."""
    split = actions["sources"].str.split(vocab.SOURCE_SEPARATOR, regex=False)
    most = int(split.str.len().max()) if len(split) else 0
    return pd.DataFrame(
        {
            f"Source {k + 1}": [urls[k].strip() if k < len(urls) else None for urls in split]
            for k in range(most)
        }
    )


def corrections(actions: pd.DataFrame) -> list[str]:
    """Each action's "Suggest a correction" link, naming the row and this page's view."""
    link = correction_view.view_link(PAGE)
    return [correction_view.correction_url("government action", rid, link) for rid in actions["response_id"]]


def strongest_table(data: Data, filters: Filters) -> None:
    stations = data.view(filters).frame
    summary = data.summary.loc[data.summary.index.isin(stations["iso2"])]
    frame = pd.DataFrame(
        {
            "Host country": summary["country"],
            "Stations": stations["iso2"].value_counts().reindex(summary.index).fillna(0).astype(int),
            "Strongest government action (country-wide)": summary["strongest_action"].map(
                vocab.ACTION_LABELS
            ),
            "Latest action": summary["latest_date"],
            "rank": summary["strongest_action"].map(
                {a: i for i, a in enumerate((*vocab.ACTION_TYPES, vocab.NO_ACTION))}
            ),
        }
    ).sort_values(["rank", "Host country"])
    st.subheader("Strongest action by host country")
    st.dataframe(frame.drop(columns="rank"), hide_index=True, width="stretch")


def download(actions: pd.DataFrame) -> None:
    st.download_button(
        f"Download these {len(actions)} actions (CSV)",
        data=lambda: export.responses_csv_bytes(actions),
        file_name=download_name("responses", "csv"),
        mime="text/csv",
        on_click="ignore",
        disabled=actions.empty,
        help=CSV_HELP,
    )
