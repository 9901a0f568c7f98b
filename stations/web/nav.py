"""The one list of pages, and every link to a page built from it.

Navigation, the share box, the citation, the corrections and the tests all name pages; each
reads this registry, so a page is added or renamed here only. ``page_setup`` is also where a
page run starts: it installs the per-session run limit (``stations.web.throttle``) and the
static dotfile guard and points the package's loggers at the server log, once per process (the
replica of ``python -m stations serve`` has done so at process start already; a bare
``streamlit run`` has no start-up hook).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.logger import get_logger

from stations.i18n import CODES, N_, gettext, language
from stations.view import citation, links
from stations.view.filters import LANG, Filters
from stations.web import state, static_guard, throttle


@dataclass(frozen=True)
class Page:
    """One page of the app."""

    #: The page's name in the code (``stations.web.state`` remembers the last page by it).
    key: str
    #: The script Streamlit runs, from the repository root.
    script: str
    #: The page's segment in the address ("" for the main page); Streamlit derives it from the
    #: script's name (``pages/1_Government_responses.py`` -> ``Government_responses``).
    path: str
    #: The page's name in the navigation (English, marked: shown through ``gettext``).
    label: str
    icon: str

    def title(self, lang: str) -> str:
        """The browser tab's title and link previews' title in ``lang``."""
        return gettext("{page} · 110 Overseas", lang).format(page=gettext(self.label, lang))


#: In the navigation's order.
PAGES: dict[str, Page] = {
    page.key: page
    for page in (
        Page("map", "app.py", "", N_("Map"), ":material/map:"),
        Page(
            "responses",
            "pages/1_Government_responses.py",
            "Government_responses",
            N_("Government responses"),
            ":material/gavel:",
        ),
        Page(
            "data",
            "pages/2_Data_and_sources.py",
            "Data_and_sources",
            N_("Data & sources"),
            ":material/description:",
        ),
    )
}


def page_setup(page: str) -> DeltaGenerator:
    """Configure the page; return the sidebar slot where ``navigation`` will draw the language
    switch and the links. The title is set again in the reader's language once the view is read."""
    # Data problems go to the server log, the way Streamlit's own messages do.
    get_logger("stations")
    # Each session's script runs are rate-limited from its first page run on (idempotent).
    throttle.install()
    # And static/ serves no dotfile from then on (idempotent).
    static_guard.install()
    st.set_page_config(page_title=PAGES[page].title(state.current().language), page_icon="🗺️", layout="wide")
    return st.sidebar.container()


#: The switch's label, in the three languages: a reader who cannot read the current one must
#: still find it.
SWITCH_LABEL = "Language · 语言 · 語言"


def navigation(slot: DeltaGenerator, filters: Filters, page: str) -> None:
    """The language switch, then links to the pages that carry the current view along
    (Streamlit's own page menu would drop the address's parameters, and with them the view)."""
    lang = filters.language
    st.set_page_config(page_title=PAGES[page].title(lang))
    params = filters.to_query_params()
    with slot:
        language_switch(filters)
        for each in PAGES.values():
            st.page_link(each.script, label=gettext(each.label, lang), icon=each.icon, query_params=params)
        st.divider()


def language_switch(filters: Filters) -> None:
    """English, 简体中文, 繁體中文, each in its own script: a pick changes the view's language
    only (``state.on_lang_change``); the rest of the view, and the page, stay."""
    fresh = state.first_run()
    if not fresh:
        state.seed(filters, [LANG])
    st.radio(
        SWITCH_LABEL,
        options=list(CODES),
        format_func=lambda code: language(code).label,
        # A seeded key carries the value; only a session's first run takes it from the index.
        index=CODES.index(filters.language) if fresh else 0,
        key=state.WIDGET_KEYS[LANG],
        on_change=state.on_lang_change,
        horizontal=True,
    )


def share_url(filters: Filters, page: str) -> str:
    """The absolute link to this view on ``page``, as the reader's address bar spells it."""
    return links.share_url(st.context.url, PAGES[page].path, filters.to_query_params())


def public_base(browser: bool = True) -> str:
    """The app's public address: ``STATIONS_PUBLIC_URL``, else (with ``browser``) the reader's,
    without the page's own path; else empty."""
    url = st.context.url if browser else None
    return citation.public_base(url, [page.path for page in PAGES.values()])


def public_url(filters: Filters, page: str) -> str:
    """The link to this view on ``page`` at the app's public address: what a citation or a
    correction report carries, to be opened by someone else."""
    return links.share_url(public_base(), PAGES[page].path, filters.to_query_params())
