"""What a page says about the view as a whole: the headline, the figures, the empty result,
and the downloads of exactly the rows in view."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from stations.data import export
from stations.view import citation, facets
from stations.view.credit import Credit, provenance
from stations.view.filters import Filters, escape_markdown
from stations.view.headline import Figures, headline
from stations.view.index import View
from stations.web import narrow
from stations.web.data import Data, recorded_version

#: The caveat a reader arriving on the map alone must see (on a phone, the intro comes later).
CAVEAT = "Reported allegations: China's government denies running police stations abroad."


def headline_sentence(data: Data, filters: Filters) -> None:
    """What the view is, in words, with its bureau mix; then, apart, the dataset-wide
    reconciliation (figures from the data)."""
    later = int((data.stations["wave"] == "later").sum())
    # The words depend on the list filters only, as the view does: made once per view.
    figures = data.view(filters).derived(
        "headline_words", lambda view: headline(view, data.waves, filters, data.options.countries, later)
    )
    with st.container(key=narrow.HEADLINE_KEY):
        st.markdown(figures.lead())
        # Shown on a phone only (static/css/narrow.css): there the intro follows the map.
        st.caption(CAVEAT)
    note = figures.dataset_note()
    if note:
        st.caption(note)


def metrics(view: View) -> None:
    """The view's four figures in a row (computed once per view).

    One horizontal container rather than four columns: the same row, and four fewer layout
    blocks sent on every run (each element a run sends costs server CPU, bench/server.py)."""
    figures = view.derived("headline", Figures.of)
    with st.container(horizontal=True, gap="medium"):
        st.metric("Stations", f"{figures.stations:,}")
        st.metric("Countries", f"{figures.countries:,}")
        st.metric("Named bureaus", len(figures.bureaus), help=", ".join(figures.bureaus) or "none")
        st.metric(
            "Location not published",
            figures.unplaced,
            help="Stations whose city was not published: shown at country level.",
        )


def empty_note(data: Data, filters: Filters) -> bool:
    """When no station matches, say so and name each filter whose removal shows stations.

    Returns True when the view is empty.
    """
    if len(data.view(filters)):
        return False
    ways = []
    for facet in facets.FACETS:
        chosen = getattr(filters, facet.key)
        if not chosen:
            continue
        n = len(data.view(filters.without(facet.key)))
        names = ", ".join(facet.option_label(v, data.options.countries) for v in chosen)
        noun = "station" if n == 1 else "stations"
        ways.append((n, f"the {facet.short} filter ({escape_markdown(names)}) to see {n:,} {noun}"))
    ways.sort(key=lambda way: -way[0])
    advice = "; or ".join(text for n, text in ways if n) or "the filters"
    st.warning(f"No station matches these filters. Remove {advice}.", icon="🔎")
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
CSV_HELP = "UTF-8 with a byte-order mark, so Excel shows every accent and script as written."


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
    without rerunning the page, and named for its rows, its view and the data version."""
    word, ext, mime = FORMATS[fmt]
    (slot or st).download_button(  # type: ignore[union-attr]
        f"Download these {what} ({word})",
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
    what = f"{len(view):,} station" + ("" if len(view) == 1 else "s")
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
            help=CSV_HELP if fmt == "csv" else None,
        )
