"""The one owner of the view a reader has chosen.

One session key, ``VIEW``, holds a ``Filters`` value. Its only writers are the widgets'
``on_change`` callbacks, the map-click handler and ``reset``, plus ``read`` when the address
changed under the session (a link was opened, Back was pressed) or the session is new. Every
run then writes the widget keys from that value *before* any widget is drawn, so whatever a
widget's options look like this run, its value comes from the owner and cannot drift; and
``publish`` writes the address, the only other copy.

An address this session wrote before its last one is no news either, unless Back or Forward
brought it: a page link is drawn late in a run (after the map), so one clicked just after a
change still carries the view from before it while the address already holds the new one, and
the reader, who made the change, expects to keep it.

A session that is new but whose browser already shows the page (the server restarted and the
page reconnected) sends the widgets' values with its first run, including the change that
caused the run; no callback fires in a session that has not drawn its widgets yet. So on a
session's first run the widgets are not seeded: they take the link's view as their default,
the browser's values win where it has any, and the view is then read back from the widgets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.state.query_params import sanitize_query_string

from stations.i18n import DEFAULT, negotiate, parse_lang
from stations.view.filters import APP_PARAMS, KEYS, LANG, LIST_FIELDS, Filters, Options, is_tracking_param

#: The view: a ``Filters``, the one source of truth.
VIEW = "_filters"
#: The address parameters this session last wrote, to tell a link change from its own.
PUBLISHED = "_synced"
#: The ones it wrote before, oldest first (a page link drawn before a change carries one).
EARLIER = "_synced_before"
#: How many of those are kept.
EARLIER_KEPT = 20
#: The page the session last ran (a page switch is an arrival).
PAGE = "_page"
#: The last map click handled (st_folium repeats its last value on every run).
LAST_CLICK = "_last_click"
#: A selected station the last change left outside the filters (said once, then forgotten).
DROPPED = "_dropped_station"
#: Set by the reset button's callback, so a run can tell that it fired.
RESET = "_reset_done"
#: The station the map zooms to with its popup open: one picked in the picker or named by a
#: link. A click on a marker does not move it (the map already shows that station, and a
#: changed map would be redrawn, closing the popup the reader just opened); a filter change
#: clears it (the map then fits the view).
FOCUS = "_focus"
#: True during a session's first run (see the module docstring).
FIRST_RUN = "_first_run"
#: One widget key per filter. Tests and the benchmark drive the widgets by these keys.
WIDGET_KEYS = {key: f"filter_{key}" for key in KEYS}
#: The station ids a view shows (to drop a selected station the filters leave out).
InView = Callable[[Filters], Collection[str]]
#: Streamlit's own parameters (embedding options): neither a filter nor a notice.
STREAMLIT_PARAMS = APP_PARAMS


@dataclass(frozen=True)
class Reading:
    """The view at the start of a run, and what the page must say about how it was read."""

    filters: Filters
    notices: list[str]
    #: First run of this session: widgets take the browser's values if it has any.
    fresh: bool
    #: A station the link or the last change named that the filters leave out.
    dropped_station: str | None = None


def url_params() -> dict[str, list[str]]:
    """The address's parameters that can concern the view (not embedding or tracking ones)."""
    return {
        key: st.query_params.get_all(key)
        for key in st.query_params
        if key not in STREAMLIT_PARAMS and not is_tracking_param(key)
    }


def read(options: Options, page: str, in_view: InView | None = None) -> Reading:
    """The view for this run; parse the address only when it is news to this session.

    ``in_view(filters) -> set of station ids`` lets a station the filters leave out be
    dropped from the view (and said once) instead of silently shown as selected.
    """
    state = st.session_state
    params = url_params()
    fresh = VIEW not in state
    notices: list[str] = []
    news = fresh or is_news(params)
    if news:
        browser = browser_language()
        view, notices = Filters.from_query_params(params, options, browser)
        view = view.canonical(options)
        if view.lang is None:
            view = view.with_values(lang=browser)
    else:
        view = state[VIEW]
    dropped = state.pop(DROPPED, None)
    if in_view is not None and view.station and view.station not in in_view(view):
        dropped, view = view.station, view.with_values(station=None)
    if news or state.get(PAGE) != page:
        # A link's station (or the selected one on arriving at the map) is shown: zoomed to,
        # its popup open.
        state[FOCUS] = view.station
    if dropped and state.get(FOCUS) == dropped:
        state[FOCUS] = None
    state[VIEW] = view
    state[PAGE] = page
    state[FIRST_RUN] = fresh
    return Reading(view, notices, fresh, dropped)


def is_news(params: Mapping[str, list[str]]) -> bool:
    """Whether the address's view is one this session has not chosen since: not the address it
    last wrote, nor one it wrote before that, unless Back or Forward brought it back (see the
    module docstring)."""
    state = st.session_state
    if params == state.get(PUBLISHED):
        return False
    if params not in state.get(EARLIER, []):
        return True
    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))


def browser_language() -> str | None:
    """The reader's browser language (``Accept-Language``) where it is one of the three and not
    the default, for a link that names none; None otherwise (the default needs no parameter, so a
    link-less visit in English keeps a bare address)."""
    headers = st.context.headers
    code = negotiate(headers.get("Accept-Language") if headers else None)
    return None if code == DEFAULT else code


def language() -> str:
    """The language this run will be read in, before the view is read (a page's title and
    intro come before its filters): what ``read`` will decide, without changing anything."""
    state = st.session_state
    params = url_params()
    if VIEW in state and not is_news(params):
        return state[VIEW].language
    given = params.get(LANG) or []
    return parse_lang(given[0] if given else None) or browser_language() or DEFAULT


def current() -> Filters:
    return st.session_state.get(VIEW, Filters())


def first_run() -> bool:
    """This run is the session's first: widgets keep the browser's values (see above)."""
    return bool(st.session_state.get(FIRST_RUN, True))


def focus() -> str | None:
    """The station the map zooms to and opens. It stays while the reader clicks other markers
    (the map, unchanged, is then not redrawn and keeps the popup they opened); a filter
    change, a pick in the picker or a reset replaces it."""
    return st.session_state.get(FOCUS)


def seed(filters: Filters, keys: Iterable[str]) -> None:
    """Write the widget keys from the view, before the widgets are drawn."""
    for key in keys:
        if key == LANG:
            st.session_state[WIDGET_KEYS[key]] = filters.language
            continue
        value = getattr(filters, key)
        st.session_state[WIDGET_KEYS[key]] = value if key == "station" else list(value)


def widget_value(key: str) -> Any:
    return st.session_state.get(WIDGET_KEYS[key], None if key in ("station", LANG) else [])


def _set(view: Filters, options: Options, in_view: InView | None = None) -> None:
    view = view.canonical(options)
    if in_view is not None and view.station and view.station not in in_view(view):
        st.session_state[DROPPED] = view.station
        view = view.with_values(station=None)
    st.session_state[VIEW] = view


def on_facet_change(key: str, options: Options, in_view: InView | None = None) -> None:
    """A list filter's widget changed: the reader's choice becomes the view."""
    chosen = [v for v in widget_value(key) if v in options.allowed(key)]
    _set(current().with_values(**{key: tuple(chosen)}), options, in_view)
    st.session_state[FOCUS] = None


def on_station_change(options: Options) -> None:
    """The station picker changed."""
    _set(current().with_values(station=widget_value("station")), options)
    st.session_state[FOCUS] = current().station


def on_lang_change() -> None:
    """The language switch changed: the same view, read in another language."""
    st.session_state[VIEW] = current().with_values(lang=widget_value(LANG) or current().lang)


def adopt(key: str, options: Options) -> Filters:
    """On a session's first run, take a widget's value (the browser's, or the default the
    link gave it) into the view, and return the view."""
    value = widget_value(key)
    if key in LIST_FIELDS:
        value = tuple(v for v in value if v in options.allowed(key))
    elif value != current().station:  # picked in the browser before this session existed
        st.session_state[FOCUS] = value
    _set(current().with_values(**{key: value}), options)
    return current()


def select_station(station: str, options: Options) -> None:
    """A click on a marker selects its station (the picker is drawn after the map, so its
    key can still be written in this run)."""
    _set(current().with_values(station=station), options)
    st.session_state[WIDGET_KEYS["station"]] = station


def filter_to_country(iso2: str, options: Options) -> None:
    """A click on a country on the map: the view shows that country only (the other filters
    stay), no station selected. The menus take it from the view on the next run."""
    _set(current().with_values(country=(iso2,), station=None), options)
    st.session_state[FOCUS] = None


#: A marker's tooltip ends with its station id in brackets: "… [NL-amsterdam-1]".
_TOOLTIP_ID = re.compile(r"\[([A-Z]{2}-[a-z0-9-]+-[0-9]+)\]\s*$")
#: A country shape's tooltip: "France (FR): Statement of concern".
_TOOLTIP_COUNTRY = re.compile(r"^[^\n]*? \(([A-Z]{2})\): ")


def on_map_click(result: Mapping[str, Any] | None, in_view: Collection[str], options: Options) -> None:
    """A click on the map (what ``st_folium`` returned this run): a marker selects its station
    (the id is at the end of its tooltip); a country filters the view to that country (its
    code is in the tooltip) and reruns, so that the filter menus, drawn before the map, show it.
    ``in_view``: the ids of the stations on the map."""
    tooltip = (result or {}).get("last_object_clicked_tooltip")
    if not tooltip or tooltip == st.session_state.get(LAST_CLICK):
        return  # st_folium repeats its last value on every run
    st.session_state[LAST_CLICK] = tooltip
    match = _TOOLTIP_ID.search(str(tooltip))
    if match and match.group(1) in in_view:
        select_station(match.group(1), options)
        return
    country = _TOOLTIP_COUNTRY.match(str(tooltip))
    if country and country.group(1) in options.allowed("country"):
        filter_to_country(country.group(1), options)
        st.rerun()


def reset() -> None:
    """Back to the default view, in the same language (the reset button's callback)."""
    st.session_state[VIEW] = Filters(lang=current().lang)
    st.session_state[FOCUS] = None
    st.session_state[RESET] = True


def reset_fired() -> bool:
    """Whether the reset callback ran before this run (it does not in a session's first run)."""
    return bool(st.session_state.pop(RESET, False))


def _spelling() -> str | None:
    """The address's query string as the browser has it, minus Streamlit's embed parameters."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return None
    # As Streamlit reads it: a query string over its limits reaches the app as empty, and
    # is then left in the address as it is.
    pairs = parse_qsl(sanitize_query_string(ctx.query_string or ""), keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if k.lower() not in STREAMLIT_PARAMS])


def publish(filters: Filters) -> None:
    """Write the view to the address (only when it differs) and remember what was written."""
    wanted = filters.to_query_params()
    as_lists = {k: [v] for k, v in wanted.items()}
    if url_params() != as_lists or _spelling() not in (None, urlencode(wanted)):
        # Streamlit writes the address as ``urlencode`` of these parameters, which is also how
        # the share link spells them: a link typed with bare commas, in another order or with
        # tracking parameters is rewritten once, so the address bar and the share box agree.
        st.query_params.from_dict(wanted)
    last = st.session_state.get(PUBLISHED)
    if last is not None and last != as_lists:
        earlier = [p for p in st.session_state.get(EARLIER, []) if p != as_lists and p != last]
        st.session_state[EARLIER] = [*earlier, last][-EARLIER_KEPT:]
    st.session_state[PUBLISHED] = as_lists
    st.session_state[VIEW] = filters
