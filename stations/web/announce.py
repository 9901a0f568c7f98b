"""The page's live region: a change of view or of the selected station, said to screen readers.

A filter change or a station picked on the map updates the counts and the panel silently for
a screen reader; one polite live region says what changed ("11 stations", "Selected: Benin
City, Nigeria"). The region is made once by a script (static/js/announce.js), outside
Streamlit's tree; each run hands it the text, which is script-safe JSON (data is text, never
markup or code).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from stations.data import vocab
from stations.i18n import ENGLISH, country_label, format_number, gettext, ngettext
from stations.map.scriptsafe import script_json
from stations.view.headline import counted
from stations.view.index import View
from stations.web import static_files
from stations.web.data import city_label

SCRIPT = "js/announce.js"


def station_words(row: pd.Series, lang: str = ENGLISH) -> str:
    """``Benin City, Nigeria (Fuzhou bureau)``: a station as the reader knows it (no id)."""
    if lang == ENGLISH:
        country = row["country"]
        bureau = "bureau unknown" if row["bureau"] == "Unknown" else f"{row['bureau']} bureau"
    else:
        country = country_label(str(row["iso2"]), row["country"], lang)
        bureau = vocab.bureau_labels(lang).get(row["bureau"], row["bureau"])
    return gettext("{place} ({bureau})", lang).format(place=place_words(row, lang, country), bureau=bureau)


def place_words(row: Mapping[str, Any], lang: str = ENGLISH, country: str | None = None) -> str:
    """``Benin City, Nigeria`` / ``贝宁城，尼日利亚``, or the country alone where the location is
    not published; the city's name from the register in Chinese (English where it has none)."""
    if country is None:
        country = row["country"] if lang == ENGLISH else country_label(str(row["iso2"]), row["country"], lang)
    if row["city"]:
        city = city_label(str(row["iso2"]), row["city"], lang)
        return gettext("{city}, {country}", lang).format(city=city, country=country)
    return gettext("{country} (location not published)", lang).format(country=country)


def announcement(n: int, what: str, selected: pd.Series | None = None, lang: str = ENGLISH) -> str:
    """``11 stations``, or ``11 stations. Selected: Benin City, Nigeria (Fuzhou bureau)``."""
    if lang == ENGLISH:
        text = counted(n, what)
    else:
        text = ngettext("{count} station", "{count} stations", n, lang).format(count=format_number(n, lang))
    if selected is None:
        return text
    return gettext("{count}. Selected: {station}", lang).format(
        count=text, station=station_words(selected, lang)
    )


def announce(text: str) -> None:
    """Say ``text`` in the page's live region (in the sidebar: it takes no room on the page)."""
    script = static_files.read(SCRIPT).replace('"__TEXT__"', script_json(text))
    st.sidebar.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def map_view(shown: View, station: str | None, lang: str = ENGLISH) -> None:
    """The map page's announcement: the stations in view and the selected one."""
    frame = shown.frame
    record = frame.loc[frame["station_id"] == station] if station else frame.iloc[:0]
    announce(announcement(len(frame), "station", record.iloc[0] if len(record) else None, lang))
