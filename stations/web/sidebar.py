"""The filter sidebar, drawn from ``stations.view.facets`` and owned by ``stations.web.state``.

Widget options are names that never change (no counts inside them): Streamlit hands a
multiselect's value back and forth as its option strings, so a label that changed between two
runs turned a chosen value into an unknown one, and the filter was silently dropped. The
counts are in a caption under each filter, recomputed every run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from stations.i18n import N_, format_number, gettext, pgettext
from stations.view import country_search, facets
from stations.view.filters import LIST_FIELDS, STATION_OUTSIDE, Filters, Options, escape_markdown, notice_text
from stations.web import copy_link, narrow, nav, state

if TYPE_CHECKING:
    from stations.web.data import Data


#: What a page lists, for the drawer's "Show N …" button: (count, noun) for a view.
Listed = Callable[[Filters], tuple[int, str]]


def current_filters(
    data: Data, page: str, fields: tuple[str, ...] = LIST_FIELDS, listed: Listed | None = None
) -> Filters:
    """Read the view, draw the filter widgets from it, and return it (published to the address).
    ``listed`` counts what the page lists (by default the stations in view)."""
    # Only the map page shows a selected station, so only there is one outside the filters
    # dropped (other pages carry it along in the link).
    in_view = _in_view(data) if page == "map" else None
    reading = state.read(data.options, page, in_view=in_view)
    shown = [f for f in facets.FACETS if f.key in fields]
    if not reading.fresh:
        state.seed(reading.filters, [f.key for f in shown])
        if page == "map":
            state.seed(reading.filters, ["station"])
    _sidebar(data, shown, reading.fresh, in_view, listed)
    show_notices(reading.notices, reading.filters.language)
    if reading.dropped_station and page == "map":
        st.info(gettext(STATION_OUTSIDE, state.current().language), icon="ℹ️")
    filters = state.current()
    state.publish(filters)
    narrow.drawer(active_filters(filters), filters.language)
    return filters


def active_filters(filters: Filters) -> int:
    """How many filters are on (the selected station is not one)."""
    return sum(1 for facet in facets.FACETS if getattr(filters, facet.key))


def current_view(data: Data, page: str = "data") -> Filters:
    """The view on a page without filter widgets: read from the link (or this session), kept
    in the address so the next page still has it."""
    reading = state.read(data.options, page)
    show_notices(reading.notices, reading.filters.language)
    state.publish(reading.filters)
    narrow.drawer(active_filters(reading.filters), reading.filters.language)
    return reading.filters


def _on_country_change(
    key: str, options: Options, in_view: state.InView | None, search: country_search.CountryMenu
) -> None:
    """A pick in the country menu: a search entry ("UK") picks its country ("GB")."""
    widget = state.WIDGET_KEYS[key]
    st.session_state[widget] = search.resolve(st.session_state.get(widget, []))
    state.on_facet_change(key, options, in_view)


def _in_view(data: Data) -> state.InView:
    return lambda filters: data.view(filters).id_set


def _sidebar(
    data: Data,
    shown: list[facets.Facet],
    fresh: bool,
    in_view: state.InView | None,
    listed: Listed | None,
) -> None:
    countries = data.options.countries
    lang = state.current().language
    slots = {}
    with st.sidebar:
        st.header(gettext("Filters", lang))
        for facet in shown:
            # A menu that also finds other names and codes (the country's: view.country_search).
            search = facet.search_menu(data.options.allowed(facet.key), countries, lang)
            st.multiselect(
                facet.title(lang),
                options=list(search.options if search else data.options.allowed(facet.key)),
                format_func=search.label
                if search
                else lambda v, facet=facet: facet.option_label(v, countries, lang),
                key=state.WIDGET_KEYS[facet.key],
                # Only a session's first run has no seeded key: the link's view is then the
                # default, and a reconnected browser's own values win over it.
                default=list(getattr(state.current(), facet.key)) if fresh else None,
                on_change=_on_country_change if search else state.on_facet_change,
                args=(facet.key, data.options, in_view, *((search,) if search else ())),
                # TRANSLATORS: an empty filter menu: every option is shown.
                placeholder=pgettext("filter", "All", lang),
                help=facet.help_text(lang),
                # No "Select all" / "Select N matches" row: Enter picks the best single match,
                # and "all" is the empty filter.
                select_all=False,
            )
            if fresh:
                state.adopt(facet.key, data.options)
            slots[facet.key] = st.empty()
        show_slot = st.empty()  # "Show N stations" on a phone: filled once the count is known
        clicked = st.button(gettext("Reset filters", lang), on_click=state.reset, width="stretch")
        if clicked and not state.reset_fired():  # a first run: the callback could not fire
            state.reset()
            state.publish(state.current())  # so the rerun does not read the old address back
            st.rerun()
    filters = state.current()
    total = len(data.view(filters))
    narrow.show_results_button(show_slot, *(listed(filters) if listed else (total, "station")), lang=lang)
    for facet in shown:
        text = facet_caption(data, filters, facet, total)
        if text:
            slots[facet.key].caption(text)


def facet_caption(data: Data, filters: Filters, facet: facets.Facet, total: int) -> str:
    """Current counts for one filter: each chosen option's stations (given the other filters),
    and for the bureau how many stations in view have no known bureau."""
    parts = []
    chosen = getattr(filters, facet.key)
    view = data.view(filters)
    lang = filters.language
    if chosen:
        # The counts depend on the list filters only, as the view does: made once per view.
        counts = view.derived(
            f"facet_counts:{facet.key}", lambda _: data.index.facet_counts(filters, facet.key)
        )
        names = [
            f"{escape_markdown(facet.option_label(v, data.options.countries, lang))}: "
            f"{format_number(counts.get(v, 0), lang)}"
            for v in chosen
        ]
        # TRANSLATORS: a filter's count caption: "Stations with the other filters: Italy: 11."
        parts.append(
            gettext("{lead}: {counts}.", lang).format(
                lead=gettext(facet.counted, lang), counts=" · ".join(names)
            )
        )
    if facet.key == "bureau":
        unknown = view.derived("unknown_bureau", unknown_bureau)
        parts.append(
            gettext("{unknown} of the {total} stations in view have no known bureau.", lang).format(
                unknown=format_number(unknown, lang), total=format_number(total, lang)
            )
        )
    return (
        pgettext("sentences", "{first} {second}", lang).format(first=parts[0], second=parts[1])
        if len(parts) == 2
        else "".join(parts)
    )


def unknown_bureau(view: pd.DataFrame) -> int:
    """Stations in ``view`` with no known bureau."""
    return int((view["bureau"] == "Unknown").sum())


def hidden_filters_note(data: Data, filters: Filters, fields: tuple[str, ...]) -> None:
    """Say which filters set on another page still narrow this one."""
    countries = data.options.countries
    lang = filters.language
    active = [
        facet.describe(getattr(filters, facet.key), countries, lang)
        if lang != "en"
        else f"{facet.short}: {', '.join(facet.option_label(v, countries) for v in getattr(filters, facet.key))}"
        for facet in facets.FACETS
        if facet.key not in fields and getattr(filters, facet.key)
    ]
    if active:
        st.caption(
            gettext("Also filtered, as set on the map page: {filters}", lang).format(
                filters="; ".join(escape_markdown(a) for a in active)
            )
        )


def show_notices(notices: list[str], lang: str) -> None:
    """One short notice for everything a link held that was dropped (values already escaped,
    each notice already in ``lang``)."""
    if notices:
        st.warning(notice_text(notices, lang), icon="⚠️")


#: The share box's label: what the reader (and a screen reader) is told the text is.
SHARE_LABEL = N_("Link to this view")


def share_box(filters: Filters, page: str = "map") -> None:
    """The link to this exact view, whole (its language included), with a copy button (a light
    box, not ``st.code``: see ``stations.web.copy_link``)."""
    lang = filters.language
    with st.sidebar:
        st.header(gettext("Share this view", lang))
        st.caption(gettext("The full link to what you see, filters and language included.", lang))
        copy_link.copy_box(
            gettext(SHARE_LABEL, lang),
            nav.share_url(filters, page),
            key="share",
            button=gettext("Copy link", lang),
        )
