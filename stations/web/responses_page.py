"""Views of the government responses: the filter, the timeline chart, the tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stations.data import export, publishers, vocab
from stations.i18n import gettext, ngettext
from stations.view import chart_image, citation, timeline
from stations.view.filters import Filters
from stations.web import correction, nav, summary
from stations.web.data import Data
from stations.web.image_export import view_credit


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


def chart(actions: pd.DataFrame, filters: Filters) -> None:
    if actions.empty:
        st.info("No government action is recorded for the countries in this view.")
        return
    credit = view_credit(filters, "responses")
    spec = timeline.timeline_chart(actions, credit)
    st.altair_chart(spec, width="stretch")
    st.download_button(
        "Download timeline as PNG",
        data=lambda: chart_image.vega_lite_png(spec.to_dict(), credit, "Actions by country over time"),
        file_name=summary.download_name("timeline", filters, "png"),
        mime="image/png",
        on_click="ignore",
        icon=":material/image:",
        help="The timeline with its credit line (sources, data version, licence, link to this view).",
    )


def table(actions: pd.DataFrame, filters: Filters) -> None:
    st.header("Actions, with sources")
    pairs = publishers.source_pairs(actions)
    links = source_links(actions)
    frame = actions.assign(
        action=actions["action_type"].map(vocab.ACTION_LABELS),
        # Who says so, by name (weak sources flagged), so no reader has to decode a host.
        outlets=["; ".join(label for _, label in p) for p in pairs],
    )[["date", "country", "actor", "action", "summary", "confidence", "outlets", "response_id"]]
    frame = pd.concat([frame, links.set_axis(frame.index)], axis=1)
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


def corrections(actions: pd.DataFrame, filters: Filters) -> list[str]:
    """Each action's "Suggest a correction" link, naming the row and this page's view."""
    link = nav.public_url(filters, "responses")
    return [correction.correction_url("government action", rid, link) for rid in actions["response_id"]]


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
    st.header("Strongest action by host country")
    st.dataframe(frame.drop(columns="rank"), hide_index=True, width="stretch")


def download(actions: pd.DataFrame, filters: Filters) -> None:
    lang = filters.language
    summary.download(
        ngettext("{count} action", "{count} actions", len(actions), lang).format(count=len(actions)),
        "responses",
        filters,
        "csv",
        lambda: export.responses_csv_bytes(actions),
        disabled=actions.empty,
        help=gettext(summary.CSV_HELP, lang),
    )
