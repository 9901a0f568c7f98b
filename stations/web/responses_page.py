"""Views of the government responses: the filter, the timeline chart, the tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stations.data import export, publishers, vocab
from stations.view import citation, timeline
from stations.view.filters import Filters
from stations.web import correction, nav, summary
from stations.web.data import Data


def filter_responses(data: Data, filters: Filters) -> pd.DataFrame:
    """Responses of the host countries in view: the station filters decide which countries."""
    stations = data.view(filters).frame
    countries = set(stations["iso2"])
    actions = data.responses[data.responses["iso2"].isin(countries)]
    if filters.action:
        wanted = set(filters.action) - {vocab.NO_ACTION}
        actions = actions[actions["action_type"].isin(wanted)]
    return actions.sort_values(["date", "country"])


def metrics(data: Data, filters: Filters, actions: pd.DataFrame) -> None:
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


def chart(actions: pd.DataFrame) -> None:
    if actions.empty:
        st.info("No government action is recorded for the countries in this view.")
        return
    st.altair_chart(timeline.timeline_chart(actions), width="stretch")


def table(actions: pd.DataFrame, filters: Filters) -> None:
    st.subheader("Actions, with sources")
    pairs = publishers.source_pairs(actions)
    frame = actions.assign(
        action=actions["action_type"].map(vocab.ACTION_LABELS),
        source=actions["sources"].str.split(vocab.SOURCE_SEPARATOR, regex=False).str[0],
        # Who says so, by name (weak sources flagged), so no reader has to decode a host.
        outlets=["; ".join(label for _, label in p) for p in pairs],
    )[
        [
            "date",
            "country",
            "actor",
            "action",
            "summary",
            "confidence",
            "outlets",
            "source",
            "sources",
            "response_id",
        ]
    ]
    if citation.repository_url():
        frame = frame.assign(correction=corrections(actions, filters))
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
            "correction": st.column_config.LinkColumn("Correction", display_text="Suggest a correction"),
        },
    )


def corrections(actions: pd.DataFrame, filters: Filters) -> list[str]:
    """Each action's "Suggest a correction" link, naming the row and this page's view."""
    link = nav.public_url(filters, "responses")
    return [correction.correction_url("government action", rid, link) for rid in actions["response_id"]]


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


def download(actions: pd.DataFrame, filters: Filters) -> None:
    summary.download(
        f"{len(actions)} actions",
        "responses",
        filters,
        "csv",
        lambda: (
            actions[list(vocab.RESPONSE_COLUMNS)]
            .assign(**{publishers.OUTLETS_COLUMN: export.outlets(actions)})
            .to_csv(index=False, lineterminator="\n")
            .encode("utf-8")
        ),
    )
