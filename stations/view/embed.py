"""The embed layout's text: the one-line summary of the view and the credit line.

An article's iframe has room for the map and two short lines, so each filter is said in words
(country names, not codes) and the credit names the sources, the data version and the licence,
and links to the full view, as newsroom graphics do.
"""

from __future__ import annotations

from collections.abc import Mapping

from stations.view import citation, facets
from stations.view.filters import Filters


def filter_summary(filters: Filters, countries: Mapping[str, str], stations: int) -> str:
    """``12 stations in Italy, Spain · bureau Qingtian``: the view in one line of plain text
    (each filter says itself: ``Facet.describe``)."""
    noun = "station" if stations == 1 else "stations"
    parts = [
        facet.describe(chosen, countries)
        for facet in facets.FACETS
        if (chosen := getattr(filters, facet.key))
    ]
    if not parts:
        return f"All {stations:,} reported {noun}"
    head, *rest = parts
    first = f"{stations:,} {noun} {head}" if head.startswith("in ") else f"{stations:,} {noun} · {head}"
    return " · ".join([first, *rest])


def credit_line(version: str | None, date: str | None, full_url: str) -> tuple[str, str]:
    """The credit under an embedded map: (plain text, link target to the full view)."""
    when = f"data version {version}" if version else (f"data of {date}" if date else "")
    text = (
        "Source: Safeguard Defenders; government and press reports. "
        f"110 Overseas station tracker{', ' + when if when else ''}, {citation.DATA_LICENCE.short}."
    )
    return text, full_url


def frame_base(origin: str | None, base_path: str) -> str | None:
    """The app's own address inside an article's iframe.

    There the browser reports the article's address as the page's (the top window's), so a link
    built from it would point into the article. The connection's ``Origin`` header is the app's
    own origin, and the server knows its base path: together they are the app's address.
    """
    if not origin or origin == "null" or not origin.startswith(("http://", "https://")):
        return None
    path = base_path.strip("/")
    return origin.rstrip("/") + (f"/{path}" if path else "")
