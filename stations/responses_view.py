"""Views of the government responses: the filter, the timeline chart, the tables."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from stations import export, publishers, vocab
from stations.filters import Filters
from stations.ui import Data


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


def _start_of(date: str) -> pd.Timestamp:
    """A partial date placed at the start of its period (2023 -> 2023-01-01) for plotting."""
    return pd.Timestamp(date + "-01-01"[len(date) - 4 :])


def timeline(actions: pd.DataFrame) -> None:
    if actions.empty:
        st.info("No government action is recorded for the countries in this view.")
        return
    frame = actions.assign(
        when=actions["date"].map(_start_of),
        action=actions["action_type"].map(vocab.ACTION_LABELS),
        rank=actions["action_type"].map(vocab.ACTION_TYPES.index),
    )[["when", "date", "country", "action", "rank", "actor", "summary"]]
    order = [vocab.ACTION_LABELS[a] for a in vocab.ACTION_TYPES]
    chart = (
        alt.Chart(frame, title="Actions by country over time (partial dates at the start of their period)")
        .mark_point(filled=True, size=90, opacity=0.85)
        .encode(
            x=alt.X("when:T", title="Date"),
            y=alt.Y("country:N", title=None, sort="ascending"),
            color=alt.Color(
                "action:N", title="Action", scale=alt.Scale(domain=order, scheme="purples", reverse=True)
            ),
            shape=alt.Shape("action:N", scale=alt.Scale(domain=order), legend=None),
            tooltip=[
                alt.Tooltip("date:N", title="Date"),
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("action:N", title="Action"),
                alt.Tooltip("actor:N", title="Actor"),
                alt.Tooltip("summary:N", title="Summary"),
            ],
        )
        .properties(height=max(220, 22 * frame["country"].nunique()))
    )
    st.altair_chart(chart, width="stretch")


def table(actions: pd.DataFrame) -> None:
    st.subheader("Actions, with sources")
    pairs = publishers.source_pairs(actions)
    frame = actions.assign(
        action=actions["action_type"].map(vocab.ACTION_LABELS),
        source=actions["sources"].str.split(vocab.SOURCE_SEPARATOR, regex=False).str[0],
        # Who says so, by name (weak sources flagged), so no reader has to decode a host.
        outlets=["; ".join(label for _, label in p) for p in pairs],
    )[["date", "country", "actor", "action", "summary", "confidence", "outlets", "source", "sources", "response_id"]]
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
            "source": st.column_config.LinkColumn("First source", display_text="open"),
            "sources": st.column_config.TextColumn("All sources"),
            "response_id": st.column_config.TextColumn("Id"),
        },
    )


def strongest_table(data: Data, filters: Filters) -> None:
    stations = data.view(filters).frame
    summary = data.summary.loc[data.summary.index.isin(stations["iso2"])]
    frame = pd.DataFrame(
        {
            "country": summary["country"],
            "stations": stations["iso2"].value_counts().reindex(summary.index).fillna(0).astype(int),
            "strongest action": summary["strongest_action"].map(vocab.ACTION_LABELS),
            "latest action": summary["latest_date"],
            "rank": summary["strongest_action"].map(
                {a: i for i, a in enumerate((*vocab.ACTION_TYPES, vocab.NO_ACTION))}
            ),
        }
    ).sort_values(["rank", "country"])
    st.subheader("Strongest action by host country")
    st.dataframe(frame.drop(columns="rank"), hide_index=True, width="stretch")


def download(actions: pd.DataFrame) -> None:
    st.download_button(
        f"Download these {len(actions)} actions (CSV)",
        data=lambda: actions[list(vocab.RESPONSE_COLUMNS)]
        .assign(**{publishers.OUTLETS_COLUMN: export.outlets(actions)})
        .to_csv(index=False, lineterminator="\n")
        .encode("utf-8"),
        file_name="responses.csv",
        mime="text/csv",
        on_click="ignore",
    )
