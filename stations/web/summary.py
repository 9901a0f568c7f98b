"""What a page says about the view as a whole: the headline, the figures, the empty result,
and the downloads of exactly the rows in view."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from stations.data import credits, export, vocab
from stations.i18n import ENGLISH, N_, format_number, gettext, ngettext, pgettext
from stations.view import citation, facets
from stations.view.credit import Credit, provenance
from stations.view.filters import Filters, escape_markdown
from stations.view.headline import Figures, headline
from stations.view.index import View
from stations.web import narrow
from stations.web.data import Data, recorded_version

#: The caveat a reader arriving on the map alone must see (on a phone, the intro comes later).
CAVEAT = credits.CAVEAT


def headline_sentence(data: Data, filters: Filters) -> None:
    """What the view is, in words, with its bureau mix; then, apart, the dataset-wide
    reconciliation (figures from the data)."""
    later = int((data.stations["wave"] == "later").sum())
    lang = filters.language
    # The words depend on the list filters and the language only: made once per view and language.
    figures = data.view(filters).derived(
        f"headline_words:{lang}",
        lambda view: headline(view, data.waves, filters, data.options.countries, later, lang),
    )
    with st.container(key=narrow.HEADLINE_KEY):
        st.markdown(figures.lead())
        # Shown on a phone only (static/css/narrow.css): there the intro follows the map.
        st.caption(gettext(CAVEAT, lang))
    note = figures.dataset_note()
    if note:
        st.caption(note)


def metrics(view: View, lang: str = ENGLISH) -> None:
    """The view's four figures in a row (computed once per view).

    One horizontal container rather than four columns: the same row, and four fewer layout
    blocks sent on every run (each element a run sends costs server CPU, bench/server.py)."""
    figures = view.derived("headline", Figures.of)
    names = vocab.bureau_labels(lang)
    with st.container(horizontal=True, gap="medium"):
        st.metric(gettext("Stations", lang), format_number(figures.stations, lang))
        st.metric(gettext("Countries", lang), format_number(figures.countries, lang))
        st.metric(
            gettext("Named bureaus", lang),
            len(figures.bureaus),
            help=pgettext("list", ", ", lang).join(names.get(b, b) for b in figures.bureaus)
            or gettext("none", lang),
        )
        st.metric(
            gettext("Location not published", lang),
            figures.unplaced,
            help=gettext("Stations whose city was not published: shown at country level.", lang),
        )


def empty_note(data: Data, filters: Filters) -> bool:
    """When no station matches, say so and name each filter whose removal shows stations.

    Returns True when the view is empty.
    """
    if len(data.view(filters)):
        return False
    lang = filters.language
    ways = []
    for facet in facets.FACETS:
        chosen = getattr(filters, facet.key)
        if not chosen:
            continue
        n = len(data.view(filters.without(facet.key)))
        names = pgettext("list", ", ", lang).join(
            facet.option_label(v, data.options.countries, lang) for v in chosen
        )
        way = ngettext(
            "the {filter} filter ({options}) to see {count} station",
            "the {filter} filter ({options}) to see {count} stations",
            n,
            lang,
        ).format(filter=facet.short_in(lang), options=escape_markdown(names), count=format_number(n, lang))
        ways.append((n, way))
    ways.sort(key=lambda way: -way[0])
    advice = gettext("; or ", lang).join(text for n, text in ways if n) or gettext("the filters", lang)
    st.warning(
        gettext("No station matches these filters. Remove {advice}.", lang).format(advice=advice), icon="🔎"
    )
    return True


def download_name(kind: str, filters: Filters, ext: str) -> str:
    """A download's file name: what it holds, the view, the data version."""
    recorded = recorded_version()
    return citation.download_name(kind, filters, recorded.version if recorded else None, ext)


#: Each download format: the label's word, the file extension and the media type.
FORMATS = {
    "csv": ("CSV", "csv", "text/csv"),
    "geojson": ("GeoJSON", "geojson", "application/geo+json"),
}


#: The CSV downloads' help: how they open in a spreadsheet.
CSV_HELP = N_("UTF-8 with a byte-order mark, so Excel shows every accent and script as written.")


def download(
    what: str,
    kind: str,
    filters: Filters,
    fmt: str,
    make: Callable[[], bytes],
    slot: DeltaGenerator | None = None,
    width: str = "content",
    disabled: bool = False,
    help: str | None = None,
) -> None:
    """One "Download these …" button: the file is made when it is clicked (not on every run),
    without rerunning the page, and named for its rows, its view and the data version.
    ``what`` is already in the view's language."""
    word, ext, mime = FORMATS[fmt]
    (slot or st).download_button(  # type: ignore[union-attr]
        gettext("Download these {what} ({format})", filters.language).format(what=what, format=word),
        data=make,
        file_name=download_name(kind, filters, ext),
        mime=mime,
        on_click="ignore",
        width=width,
        disabled=disabled,
        help=help,
    )


def station_downloads(
    view: pd.DataFrame, filters: Filters, kind: str = "stations", credit: Credit | None = None
) -> None:
    """CSV and GeoJSON of exactly the stations in view, side by side; the GeoJSON carries
    ``credit`` (licence, data version, citation, link to the view) as its metadata. Disabled
    for an empty view: an empty file is nothing to cite."""
    # One row of two (a horizontal container: fewer layout blocks than two columns).
    row = st.container(horizontal=True)
    lang = filters.language
    what = ngettext("{count} station", "{count} stations", len(view), lang).format(
        count=format_number(len(view), lang)
    )
    metadata = provenance(credit) if credit else None
    makers = {
        "csv": lambda: export.to_csv_bytes(view),
        "geojson": lambda: export.to_geojson_bytes(view, metadata),
    }
    for fmt, make in makers.items():
        download(
            what,
            kind,
            filters,
            fmt,
            make,
            slot=row,
            width="stretch",
            disabled=view.empty,
            help=gettext(CSV_HELP, lang) if fmt == "csv" else None,
        )
