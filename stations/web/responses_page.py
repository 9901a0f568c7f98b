"""Views of the government responses: the filter, the timeline chart, the tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stations.data import export, publishers, vocab
from stations.i18n import ENGLISH, country_label, format_number, gettext, ngettext
from stations.view import chart_image, citation, fonts, timeline
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
    lang = filters.language
    cols = st.columns(3)
    cols[0].metric(gettext("Actions recorded", lang), format_number(len(actions), lang))
    cols[1].metric(gettext("Countries that acted", lang), format_number(actions["iso2"].nunique(), lang))
    cols[2].metric(gettext("Host countries with no action reported", lang), format_number(len(silent), lang))


def _countries(frame: pd.DataFrame, lang: str) -> pd.Series:
    """The ``country`` column in ``lang``: the data's names in English, CLDR's in Chinese."""
    if lang == ENGLISH:
        return frame["country"]

    return pd.Series(
        [country_label(i, c, lang) for i, c in zip(frame["iso2"], frame["country"], strict=True)],
        index=frame.index,
    )


def chart(actions: pd.DataFrame, filters: Filters) -> None:
    lang = filters.language
    if actions.empty:
        st.info(gettext("No government action is recorded for the countries in this view.", lang))
        return
    credit = view_credit(filters, "responses")
    shown = timeline.timeline_chart(actions, credit, lang)
    st.altair_chart(shown, width="stretch")
    # The PNG speaks the page's language where the server has its font, else English.
    drawn = fonts.image_language(lang)
    png_spec = shown if drawn == lang else timeline.timeline_chart(actions, credit, drawn)
    title = gettext("Actions by country over time", drawn)
    st.download_button(
        gettext("Download timeline as PNG", lang),
        data=lambda: chart_image.vega_lite_png(png_spec.to_dict(), credit, title, lang=drawn),
        file_name=summary.download_name("timeline", filters, "png"),
        mime="image/png",
        on_click="ignore",
        icon=":material/image:",
        help=gettext(
            "The timeline with its credit line (sources, data version, licence, link to this view).", lang
        )
        if drawn == lang
        else gettext(
            "The timeline with its credit line (sources, data version, licence, link to this view). "
            "The image's own words are in English.",
            lang,
        ),
    )


def table(actions: pd.DataFrame, filters: Filters) -> None:
    lang = filters.language
    st.header(gettext("Actions, with sources", lang))
    pairs = publishers.source_pairs(actions)
    links = source_links(actions)
    frame = actions.assign(
        action=actions["action_type"].map(vocab.action_labels(lang)),
        country=_countries(actions, lang),
        # Who says so, by name (weak sources flagged), so no reader has to decode a host.
        outlets=["; ".join(publishers.label_in(label, lang) for _, label in p) for p in pairs],
    )[["date", "country", "actor", "action", "summary", "confidence", "outlets", "response_id"]]
    frame = pd.concat([frame, links.set_axis(frame.index)], axis=1)
    if citation.repository_url():
        frame = frame.assign(correction=corrections(actions, filters))
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "date": st.column_config.TextColumn(gettext("Date", lang)),
            "country": st.column_config.TextColumn(gettext("Country", lang)),
            "actor": st.column_config.TextColumn(gettext("Actor", lang)),
            "action": st.column_config.TextColumn(gettext("Action", lang)),
            "summary": st.column_config.TextColumn(
                gettext("Summary", lang) if lang == ENGLISH else gettext("Summary (in English)", lang),
                width="large",
            ),
            "confidence": st.column_config.TextColumn(gettext("Confidence", lang)),
            "outlets": st.column_config.TextColumn(gettext("Sources (outlets)", lang), width="medium"),
            # Kept in the data (corrections name the row) but not shown: an internal id.
            "response_id": None,
            **{
                name: st.column_config.LinkColumn(
                    gettext("Source {number}", lang).format(number=name.rsplit(" ", 1)[-1]),
                    display_text=HOST_TEXT,
                    help=gettext("Opens the source", lang),
                )
                for name in links.columns
            },
            "correction": st.column_config.LinkColumn(
                gettext("Correction", lang), display_text=gettext("Suggest a correction", lang)
            ),
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
    lang = filters.language
    stations = data.view(filters).frame
    summary = data.summary.loc[data.summary.index.isin(stations["iso2"])]
    host = gettext("Host country", lang)
    frame = pd.DataFrame(
        {
            host: _countries(summary.assign(iso2=summary.index), lang),
            gettext("Stations", lang): stations["iso2"]
            .value_counts()
            .reindex(summary.index)
            .fillna(0)
            .astype(int),
            gettext("Strongest government action (country-wide)", lang): summary["strongest_action"].map(
                vocab.action_labels(lang)
            ),
            gettext("Latest action", lang): summary["latest_date"],
            "rank": summary["strongest_action"].map(
                {a: i for i, a in enumerate((*vocab.ACTION_TYPES, vocab.NO_ACTION))}
            ),
        }
    ).sort_values(["rank", host])
    st.header(gettext("Strongest action by host country", lang))
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
