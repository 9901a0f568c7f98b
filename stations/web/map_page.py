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
from stations.i18n import ENGLISH, N_, country_label, format_date, format_number, gettext, pgettext
from stations.view.filters import escape_markdown
from stations.view.index import View
from stations.web import announce, correction, sidebar, state
from stations.web.data import Data, city_label, city_names

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
    "high": N_("an official text, or two independent outlets agree"),
    "medium": N_("one reputable outlet, or secondary reporting of an official statement"),
    "low": N_("one weak source, or a key detail rests on a weak source only (see the notes)"),
}
#: The confidence levels' names (the data's values are English codes).
CONFIDENCE_NAMES = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


def how_sure(row: pd.Series, register: publishers.Register | None = None, lang: str = ENGLISH) -> str:
    """One line on how sure the row is and why: its confidence, what that means, and its best
    source by kind and name (the notes give the row's own caveats)."""
    confidence = str(row["confidence"])
    named = gettext(CONFIDENCE_NAMES[confidence], lang) if confidence in CONFIDENCE_NAMES else confidence
    why = gettext(CONFIDENCE_WHY[confidence], lang) if confidence in CONFIDENCE_WHY else ""
    text = gettext("**How sure:** {confidence}, {why}", lang).format(
        confidence=escape_markdown(named), why=escape_markdown(why)
    )
    tier = str(row.get(publishers.TIER_COLUMN, "") or "")
    if tier:
        tier_name = gettext(publishers.TIER_LABELS[tier], lang)
        tier_name = tier_name.lower() if lang == ENGLISH else tier_name
        text += gettext(". Best source: {tier}", lang).format(tier=escape_markdown(tier_name))
        if register is not None:
            best = [
                publisher.name
                for publisher in (register.publisher(u) for u in publishers.split_sources(row["sources"]))
                if publisher is not None and publisher.tier == tier
            ]
            if best:
                text += f" ({escape_markdown(', '.join(dict.fromkeys(best)))})"
    return text + pgettext("sentence end", ".", lang)


def picker_labels(view: pd.DataFrame, lang: str) -> dict[str, str]:
    """Station id -> the picker's label in ``lang`` (place, bureau, id), as the English labels
    of ``StationIndex.labels`` say it."""
    return {
        sid: f"{announce.place_words(row, lang)} · {vocab.bureau_labels(lang).get(row['bureau'], row['bureau'])} · {sid}"
        for sid, row in zip(view["station_id"], view.to_dict("records"), strict=True)
    }


def station_panel(data: Data, shown: View, station: str | None, lang: str = ENGLISH) -> str | None:
    """The detail panel: pick a station (or click one on the map) to read its record."""
    labels = (
        shown.labels if lang == ENGLISH else shown.derived(f"labels:{lang}", lambda v: picker_labels(v, lang))
    )
    if len(labels) > MAX_LISTED:
        # Too many to list: offer the selected one only; a click on the map still selects.
        labels = {station: labels[station]} if station in labels else {}
        st.caption(
            gettext(
                "{count} stations are in view, too many to list here: click a marker, or narrow "
                "the filters to choose from a list.",
                lang,
            ).format(count=format_number(len(shown), lang))
        )
    fresh = state.first_run()
    options = list(labels)
    st.selectbox(
        gettext("Selected station", lang),
        options=options,
        format_func=lambda sid: labels.get(sid, sid),
        key=state.WIDGET_KEYS["station"],
        # Seeded from the view on every run but a session's first (see stations.web.state).
        index=options.index(station) if fresh and station in labels else None,
        on_change=state.on_station_change,
        args=(data.options,),
        placeholder=gettext("Click a marker, or choose here", lang),
    )
    if fresh:
        state.adopt("station", data.options)
    station = state.current().station
    if not station or station not in labels:
        unknown = shown.derived("unknown_bureau", sidebar.unknown_bureau)
        st.caption(
            gettext(
                "Markers are coloured by the Chinese bureau said to run the station ({unknown} of "
                "the {total} in view have no known bureau: grey, '?'). Dashed rings mark stations "
                "shown at country level (their city was not published or not located).",
                lang,
            ).format(unknown=format_number(unknown, lang), total=format_number(len(shown), lang))
        )
        return None
    record = shown.frame.loc[shown.frame["station_id"] == station]
    row = record.assign(address=model.public_address(record)).iloc[0]
    country = _country(row, lang)
    facts = [
        (gettext("Country", lang), country),
        (gettext("City", lang), city_label(row["iso2"], row["city"], lang) or gettext("not published", lang)),
    ]
    # The record's lines are the popup's (vocab.STATION_FIELDS), in the same words.
    for field in vocab.STATION_FIELDS:
        text = field.text(row, lang)
        if field.column == "address" and not text:
            text = (
                gettext("withheld: private residence", lang)
                if row["private_residence"]
                else gettext("not published", lang)
            )
        facts.append((gettext(field.label, lang), text))
    lines = [
        gettext("**{label}:** {value}", lang).format(label=label, value=escape_markdown(str(value)))
        for label, value in facts
        if value
    ]
    st.markdown("  \n".join([*lines, how_sure(row, data.dataset.register, lang)]))
    summary = data.summary.loc[row["iso2"]]
    action_names = vocab.action_labels(lang)
    # The country's action, after the station's own status: the host government's, country-wide.
    st.markdown(
        gettext("**Host government (all of {country}), strongest action:** {action}", lang).format(
            country=escape_markdown(country),
            action=escape_markdown(action_names[summary["strongest_action"]]),
        )
    )
    actions = data.responses[data.responses["iso2"] == row["iso2"]].sort_values("date")
    for action in actions.itertuples():
        st.markdown(
            f"- {escape_markdown(action.date if lang == ENGLISH else format_date(action.date, lang))}: "
            f"{escape_markdown(action_names[action.action_type])} ({escape_markdown(action.actor)})"
        )
    st.markdown(gettext("**Sources** (open in a new tab)", lang))
    pairs = publishers.source_pairs(record)[0]
    st.markdown(
        "\n".join(
            f"{n}. {_link(url, publishers.label_in(label, lang))}" for n, (url, label) in enumerate(pairs, 1)
        )
    )
    if row["notes"]:
        # TRANSLATORS: the station's notes stay in English until translated; the label says so.
        with st.expander(gettext("Notes", lang) if lang == ENGLISH else gettext("Notes (in English)", lang)):
            st.text(row["notes"])
    correction.correction_button("station", station, state.current().with_values(station=station))
    return station


TABLE_COLUMNS = {
    "station_id": N_("Station"),
    "country": N_("Country"),
    "city": N_("City"),
    "bureau": N_("Bureau"),
    "wave": N_("Report"),
    "host_organisation": N_("Host organisation"),
    "status": N_("Status"),
    "geo_precision": N_("Placed at"),
    "confidence": N_("Confidence"),
    "first_outlet": N_("Best source"),
    "first_source": N_("Source"),
}


def _columns(lang: str) -> dict[str, object]:
    """The tables' column headers in ``lang``."""
    return {k: st.column_config.TextColumn(gettext(v, lang)) for k, v in TABLE_COLUMNS.items()}


def _country(row: pd.Series, lang: str) -> str:
    """The station's country: the data's name in English, CLDR's in Chinese."""
    return country_label(str(row["iso2"]), str(row["country"]), lang)


def _say_if_cut(rows: int, what: str, lang: str = ENGLISH) -> None:
    """A line under a table cut to ``MAX_LISTED`` rows, saying where the rest are (``what`` is
    in ``lang`` already)."""
    if rows > MAX_LISTED:
        st.caption(
            gettext(
                "The table lists the first {listed} of these {count} {what}; the downloads of this "
                "view hold them all.",
                lang,
            ).format(listed=format_number(MAX_LISTED, lang), count=format_number(rows, lang), what=what)
        )


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """The first ``MAX_LISTED`` rows as the Arrow table ``st.dataframe`` would make of them.

    Made once per view and shared: converting a frame to Arrow on every run was a tenth of the
    server CPU of a run (bench/server.py); given an Arrow table, Streamlit only writes it out.
    """
    return dataframe_util.convert_pandas_df_to_arrow_table(frame.iloc[:MAX_LISTED])


def _localised(view: pd.DataFrame, lang: str) -> dict[str, pd.Series]:
    """The coded columns in the reader's words: report and status always; in Chinese also the
    bureaus (official names) and countries (CLDR)."""
    columns = {
        "wave": view["wave"].map(vocab.wave_labels(lang)),
        "status": view["status"].map(vocab.status_labels(lang)),
    }
    if lang != ENGLISH:
        columns["bureau"] = view["bureau"].map(vocab.bureau_labels(lang))
        pairs = view.drop_duplicates("iso2")
        names = {i: country_label(i, c, lang) for i, c in zip(pairs["iso2"], pairs["country"], strict=True)}
        columns["country"] = view["iso2"].map(names)
        cities = city_names(lang)
        columns["city"] = pd.Series(
            [cities.get((i, c), c) for i, c in zip(view["iso2"], view["city"], strict=True)], index=view.index
        )
    return columns


def table_frame(view: pd.DataFrame, lang: str = ENGLISH) -> pd.DataFrame:
    """The station table's rows: readable labels, the first source (the strongest: sources are
    listed strongest first) by outlet name and as a link."""
    return view.assign(
        first_outlet=[
            publishers.label_in(pairs[0][1], lang) if pairs else "" for pairs in publishers.source_pairs(view)
        ],
        first_source=view["sources"].str.split(vocab.SOURCE_SEPARATOR, regex=False).str[0],
        **_localised(view, lang),
    )[list(TABLE_COLUMNS)]


def station_table(shown: View, lang: str = ENGLISH) -> None:
    _say_if_cut(len(shown), gettext("stations", lang), lang)
    st.dataframe(
        shown.derived(f"table_arrow:{lang}", lambda frame: _arrow(table_frame(frame, lang))),
        hide_index=True,
        width="stretch",
        column_config={
            **_columns(lang),
            "station_id": None,  # kept for the data, not shown: an internal id
            "first_source": st.column_config.LinkColumn(
                gettext("Source", lang), display_text=gettext("open", lang)
            ),
        },
    )


def _unpublished(view: pd.DataFrame, lang: str = ENGLISH) -> pd.DataFrame:
    """The stations shown at country level, with readable labels (as the station table)."""
    rows = view.loc[view["geo_precision"] == "country"]
    localised = _localised(rows, lang)
    return rows.assign(**{k: v for k, v in localised.items() if k != "status"})[
        ["station_id", "country", "city", "bureau", "wave", "notes"]
    ]


def unpublished_list(shown: View, lang: str = ENGLISH) -> None:
    hidden = shown.derived(f"unpublished:{lang}", lambda view: _unpublished(view, lang))
    if hidden.empty:
        return
    rows = shown.derived(f"unpublished_arrow:{lang}", lambda _: _arrow(hidden))
    st.header(
        gettext("Shown at country level ({count})", lang).format(count=format_number(len(hidden), lang))
    )
    st.caption(
        gettext(
            "The map draws these stations as dashed rings at a point inside their country, which "
            "is not their location: the sources name the country but not the city, or the city is "
            "too small for the offline gazetteer and awaits a sourced coordinate.",
            lang,
        )
    )
    _say_if_cut(len(hidden), gettext("stations shown at country level", lang), lang)
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            **_columns(lang),
            "station_id": None,
            "notes": st.column_config.TextColumn(
                gettext("Notes", lang) if lang == ENGLISH else gettext("Notes (in English)", lang),
                width="large",
            ),
        },
    )
