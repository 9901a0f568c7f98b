"""The map page's parts beside the map: the station panel and picker, and the tables.

Text from the data is shown with Streamlit elements that treat it as text (``st.dataframe``,
``st.text``) or, inside Markdown, with every special character escaped.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from stations.data import model, publishers, vocab
from stations.view.filters import escape_markdown
from stations.view.index import View
from stations.web import correction, sidebar, state
from stations.web.data import Data

#: Most rows listed in the station picker and the tables; beyond it they say so and point to
#: the map and the downloads (a list of 10,000 choices helps no one and costs every run).
MAX_LISTED = 2_000


def _link(url: str, label: str = "") -> str:
    """A Markdown link (text: the outlet's name, else the host) that cannot break out of the
    link syntax."""
    text = label or urlsplit(url).netloc.removeprefix("www.") or url
    target = quote(url, safe=":/?&=#%~+,;@!$*'")
    target = target.replace("(", "%28").replace(")", "%29")
    return f"[{escape_markdown(text)}]({target})"


#: What each confidence level means, for the panel's "how sure" line (README's vocabulary).
CONFIDENCE_WHY = {
    "high": "an official text, or two independent outlets agree",
    "medium": "one reputable outlet, or secondary reporting of an official statement",
    "low": "one weak source, or a key detail rests on a weak source only (see the notes)",
}


def how_sure(row: pd.Series, register: publishers.Register | None = None) -> str:
    """One line on how sure the row is and why: its confidence, what that means, and its best
    source by kind and name (the notes give the row's own caveats)."""
    confidence = str(row["confidence"])
    text = (
        f"**How sure:** {escape_markdown(confidence)}, {escape_markdown(CONFIDENCE_WHY.get(confidence, ''))}"
    )
    tier = str(row.get(publishers.TIER_COLUMN, "") or "")
    if tier:
        text += f". Best source: {escape_markdown(publishers.TIER_LABELS[tier].lower())}"
        if register is not None:
            best = [
                publisher.name
                for publisher in (register.publisher(u) for u in publishers.split_sources(row["sources"]))
                if publisher is not None and publisher.tier == tier
            ]
            if best:
                text += f" ({escape_markdown(', '.join(dict.fromkeys(best)))})"
    return text + "."


def station_panel(data: Data, shown: View, station: str | None) -> str | None:
    """The detail panel: pick a station (or click one on the map) to read its record."""
    labels = shown.labels
    if len(labels) > MAX_LISTED:
        # Too many to list: offer the selected one only; a click on the map still selects.
        labels = {station: labels[station]} if station in labels else {}
        st.caption(
            f"{len(shown):,} stations are in view, too many to list here: click a marker, or "
            "narrow the filters to choose from a list."
        )
    fresh = state.first_run()
    options = list(labels)
    st.selectbox(
        "Selected station",
        options=options,
        format_func=lambda sid: labels.get(sid, sid),
        key=state.WIDGET_KEYS["station"],
        # Seeded from the view on every run but a session's first (see stations.web.state).
        index=options.index(station) if fresh and station in labels else None,
        on_change=state.on_station_change,
        args=(data.options,),
        placeholder="Click a marker, or choose here",
    )
    if fresh:
        state.adopt("station", data.options)
    station = state.current().station
    if not station or station not in labels:
        unknown = shown.derived("unknown_bureau", sidebar.unknown_bureau)
        st.caption(
            "Markers are coloured by the Chinese bureau said to run the station "
            f"({unknown:,} of the {len(shown):,} in view have no known bureau: grey, '?'). Dashed "
            "rings mark stations shown at country level (their city was not published or not located)."
        )
        return None
    record = shown.frame.loc[shown.frame["station_id"] == station]
    row = record.assign(address=model.public_address(record)).iloc[0]
    facts = [("Country", row["country"]), ("City", row["city"] or "not published")]
    # The record's lines are the popup's (vocab.STATION_FIELDS), in the same words.
    for field in vocab.STATION_FIELDS:
        text = field.text(row)
        if field.column == "address" and not text:
            text = "withheld: private residence" if row["private_residence"] else "not published"
        facts.append((field.label, text))
    lines = [f"**{label}:** {escape_markdown(str(value))}" for label, value in facts if value]
    st.markdown("  \n".join([*lines, how_sure(row, data.dataset.register)]))
    summary = data.summary.loc[row["iso2"]]
    # The country's action, after the station's own status: the host government's, country-wide.
    st.markdown(
        f"**Host government (all of {escape_markdown(row['country'])}), strongest action:** "
        f"{escape_markdown(vocab.ACTION_LABELS[summary['strongest_action']])}"
    )
    actions = data.responses[data.responses["iso2"] == row["iso2"]].sort_values("date")
    for action in actions.itertuples():
        st.markdown(
            f"- {escape_markdown(action.date)}: {escape_markdown(vocab.ACTION_LABELS[action.action_type])} "
            f"({escape_markdown(action.actor)})"
        )
    st.markdown("**Sources** (open in a new tab)")
    pairs = publishers.source_pairs(record)[0]
    st.markdown("\n".join(f"{n}. {_link(url, label)}" for n, (url, label) in enumerate(pairs, 1)))
    if row["notes"]:
        with st.expander("Notes"):
            st.text(row["notes"])
    correction.correction_button("station", station, state.current().with_values(station=station))
    return station


TABLE_COLUMNS = {
    "station_id": "Station",
    "country": "Country",
    "city": "City",
    "bureau": "Bureau",
    "wave": "Report",
    "host_organisation": "Host organisation",
    "status": "Status",
    "geo_precision": "Placed at",
    "confidence": "Confidence",
    "first_outlet": "Best source",
    "first_source": "Source",
}


def _say_if_cut(rows: int, what: str) -> None:
    """A line under a table cut to ``MAX_LISTED`` rows, saying where the rest are."""
    if rows > MAX_LISTED:
        st.caption(
            f"The table lists the first {MAX_LISTED:,} of these {rows:,} {what}; the downloads "
            "of this view hold them all."
        )


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """The first ``MAX_LISTED`` rows as the Arrow table ``st.dataframe`` would make of them.

    Made once per view and shared: converting a frame to Arrow on every run was a tenth of the
    server CPU of a run (bench/server.py); given an Arrow table, Streamlit only writes it out.
    """
    return dataframe_util.convert_pandas_df_to_arrow_table(frame.iloc[:MAX_LISTED])


def table_frame(view: pd.DataFrame) -> pd.DataFrame:
    """The station table's rows: readable labels, the first source (the strongest: sources are
    listed strongest first) by outlet name and as a link."""
    return view.assign(
        first_outlet=[pairs[0][1] if pairs else "" for pairs in publishers.source_pairs(view)],
        first_source=view["sources"].str.split(vocab.SOURCE_SEPARATOR, regex=False).str[0],
        wave=view["wave"].map(vocab.WAVE_LABELS),
        status=view["status"].map(vocab.STATUS_LABELS),
    )[list(TABLE_COLUMNS)]


def station_table(shown: View) -> None:
    _say_if_cut(len(shown), "stations")
    st.dataframe(
        shown.derived("table_arrow", lambda frame: _arrow(table_frame(frame))),
        hide_index=True,
        width="stretch",
        column_config={
            **{k: st.column_config.TextColumn(v) for k, v in TABLE_COLUMNS.items()},
            "station_id": None,  # kept for the data, not shown: an internal id
            "first_source": st.column_config.LinkColumn("Source", display_text="open"),
        },
    )


def _unpublished(view: pd.DataFrame) -> pd.DataFrame:
    """The stations shown at country level, with readable labels (as the station table)."""
    rows = view.loc[
        view["geo_precision"] == "country", ["station_id", "country", "city", "bureau", "wave", "notes"]
    ]
    return rows.assign(wave=rows["wave"].map(vocab.WAVE_LABELS))


def unpublished_list(shown: View) -> None:
    hidden = shown.derived("unpublished", _unpublished)
    if hidden.empty:
        return
    rows = shown.derived("unpublished_arrow", lambda _: _arrow(hidden))
    st.header(f"Shown at country level ({len(hidden):,})")
    st.caption(
        "The map draws these stations as dashed rings at a point inside their country, which is "
        "not their location: the sources name the country but not the city, or the city is too "
        "small for the offline gazetteer and awaits a sourced coordinate."
    )
    _say_if_cut(len(hidden), "stations shown at country level")
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            **{k: st.column_config.TextColumn(v) for k, v in TABLE_COLUMNS.items()},
            "station_id": None,
            "notes": st.column_config.TextColumn("Notes", width="large"),
        },
    )
