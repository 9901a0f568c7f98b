"""Streamlit views of the stations: the detail panel, the tables, the click on the map.

Text from the data is shown with Streamlit elements that treat it as text (``st.dataframe``,
``st.text``) or, inside Markdown, with every special character escaped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd
import streamlit as st

from stations import mapping, model, reconcile, vocab
from stations.filters import escape_markdown
from stations.ui import WIDGET_KEYS, Data, data_dir

SHAPES = Path("boundaries") / "countries-110m.geojson"
_TOOLTIP_ID = re.compile(r"\[([A-Z]{2}-[a-z0-9-]+-[0-9]+)\]\s*$")


@st.cache_data(show_spinner=False)
def _shapes(path: str) -> dict[str, Any] | None:
    return mapping.load_country_shapes(path) if Path(path).exists() else None


def country_shapes() -> dict[str, Any] | None:
    """Country outlines for the government-action layer, if the boundary file is present."""
    return _shapes(str(data_dir() / SHAPES))


def selected_station(filters: Any, view: pd.DataFrame) -> str | None:
    """The station chosen in the link or the panel, if it is still in view."""
    station = filters.station
    if station and station not in set(view["station_id"]):
        st.info(
            "The selected station is outside the current filters, so it is not shown. "
            "Reset the filters to see it.",
            icon="ℹ️",
        )
        st.session_state[WIDGET_KEYS["station"]] = None
        return None
    return station


def station_from_click(result: dict[str, Any] | None, view: pd.DataFrame, current: str | None) -> str | None:
    """A click on a marker selects its station (the id is at the end of the tooltip)."""
    tooltip = (result or {}).get("last_object_clicked_tooltip")
    if not tooltip or tooltip == st.session_state.get("_last_click"):
        return current
    st.session_state["_last_click"] = tooltip
    match = _TOOLTIP_ID.search(str(tooltip))
    if match and match.group(1) in set(view["station_id"]):
        st.session_state[WIDGET_KEYS["station"]] = match.group(1)
        return match.group(1)
    return current


def station_labels(view: pd.DataFrame) -> dict[str, str]:
    """Readable choices for the station picker, built column-wise (fast at any size)."""
    place = (view["city"] + ", " + view["country"]).where(
        view["city"] != "", view["country"] + " (location not published)"
    )
    return dict(
        zip(view["station_id"], place + " · " + view["bureau"] + " · " + view["station_id"], strict=True)
    )


def _link(url: str) -> str:
    """A Markdown link whose text and target cannot break out of the link syntax."""
    host = urlsplit(url).netloc.removeprefix("www.") or url
    target = quote(url, safe=":/?&=#%~+,;@!$*'")
    target = target.replace("(", "%28").replace(")", "%29")
    return f"[{escape_markdown(host)}]({target})"


def station_panel(data: Data, view: pd.DataFrame, station: str | None) -> str | None:
    """The detail panel: pick a station (or click one on the map) to read its record."""
    labels = station_labels(view)
    st.selectbox(
        "Selected station",
        options=list(labels),
        format_func=lambda sid: labels.get(sid, sid),
        key=WIDGET_KEYS["station"],
        index=None,
        placeholder="Click a marker, or choose here",
    )
    station = st.session_state.get(WIDGET_KEYS["station"])
    if not station or station not in labels:
        st.caption(
            "Markers are coloured by the Chinese bureau said to run the station. Dashed rings "
            "mark stations shown at country level (their city was not published or not located)."
        )
        return None
    row = view.loc[view["station_id"] == station].iloc[0]
    address = model.public_address(view.loc[view["station_id"] == station]).iloc[0]
    facts = [
        ("Country", row["country"]),
        ("City", row["city"] or "not published"),
        (
            "Address",
            address or ("withheld: private residence" if row["private_residence"] else "not published"),
        ),
        (
            "Bureau",
            row["bureau"] + (f" ({row['bureau_district']})" if row["bureau_district"] else ""),
        ),
        ("Report", vocab.WAVE_LABELS[row["wave"]]),
        (
            "Host organisation",
            " / ".join(x for x in (row["host_organisation"], row["host_organisation_zh"]) if x),
        ),
        ("Opened", row["opened"]),
        ("Status", vocab.STATUS_LABELS[row["status"]]),
        ("Placed at", f"{row['geo_precision']} level ({row['geo_source']})"),
        ("Confidence", row["confidence"]),
    ]
    lines = [f"**{label}:** {escape_markdown(str(value))}" for label, value in facts if value]
    st.markdown("  \n".join(lines))
    summary = data.summary.loc[row["iso2"]]
    st.markdown(f"**Host government:** {escape_markdown(vocab.ACTION_LABELS[summary['strongest_action']])}")
    actions = data.responses[data.responses["iso2"] == row["iso2"]].sort_values("date")
    for action in actions.itertuples():
        st.markdown(
            f"- {escape_markdown(action.date)}: {escape_markdown(vocab.ACTION_LABELS[action.action_type])} "
            f"({escape_markdown(action.actor)})"
        )
    st.markdown("**Sources** (open in a new tab)")
    st.markdown(
        "\n".join(f"{n}. {_link(u)}" for n, u in enumerate(row["sources"].split(vocab.SOURCE_SEPARATOR), 1))
    )
    if row["notes"]:
        with st.expander("Notes"):
            st.text(row["notes"])
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
    "first_source": "Source",
}


def station_table(view: pd.DataFrame) -> None:
    frame = view.assign(
        first_source=view["sources"].str.split(vocab.SOURCE_SEPARATOR, regex=False).str[0],
        wave=view["wave"].map(vocab.WAVE_LABELS),
        status=view["status"].map(vocab.STATUS_LABELS),
    )[list(TABLE_COLUMNS)]
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            **{k: st.column_config.TextColumn(v) for k, v in TABLE_COLUMNS.items()},
            "first_source": st.column_config.LinkColumn("Source", display_text="open"),
        },
    )


def unpublished_list(view: pd.DataFrame) -> None:
    hidden = view[view["geo_precision"] == "country"]
    if hidden.empty:
        return
    st.subheader(f"Shown at country level ({len(hidden)})")
    st.caption(
        "The map draws these stations as dashed rings at a point inside their country, which is "
        "not their location: the sources name the country but not the city, or the city is too "
        "small for the offline gazetteer and awaits a sourced coordinate."
    )
    st.dataframe(
        hidden[["station_id", "country", "city", "bureau", "wave", "notes"]],
        hide_index=True,
        width="stretch",
    )


def coverage_note(data: Data) -> None:
    """One line on what the map can and cannot show, computed from the data."""
    path = data_dir() / "unidentified.csv"
    if not path.exists():
        return
    waves = reconcile.reconcile(data.stations, reconcile.load_unidentified(path))
    last = waves[-1]
    later = int((data.stations["wave"] == "later").sum())
    st.caption(
        f"Safeguard Defenders counted {last.reported_stations} stations in {last.reported_countries} "
        f"countries; {last.identified_stations} of them in {last.identified_countries} countries are "
        f"identified here, plus {later} reported later. The rest are described on the Data & sources page."
    )
