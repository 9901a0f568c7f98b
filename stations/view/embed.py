"""The embed layout's text: the one-line summary of the view and the credit line.

An article's iframe has room for the map and two short lines, so each filter is said in words
(country names, not codes) and the credit names the sources, the data version and the licence,
and links to the full view, as newsroom graphics do.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from urllib.parse import urlencode

from stations.i18n import ENGLISH, format_date, format_number, ngettext, translations
from stations.view import citation, facets
from stations.view.filters import Filters


def filter_summary(filters: Filters, countries: Mapping[str, str], stations: int, lang: str = ENGLISH) -> str:
    """``12 stations in Italy, Spain · bureau Qingtian``: the view in one line of plain text
    (each filter says itself: ``Facet.describe``). English is also what the published map's
    script writes (``static/js/published-view.js``), so its form is kept exactly."""
    if lang != ENGLISH:
        count = format_number(stations, lang)
        said = [
            facet.describe(chosen, countries, lang)
            for facet in facets.FACETS
            if (chosen := getattr(filters, facet.key))
        ]
        if not said:
            return ngettext(
                "All {count} reported station", "All {count} reported stations", stations, lang
            ).format(count=count)
        first = ngettext("{count} station", "{count} stations", stations, lang).format(count=count)
        return " · ".join([first, *said])
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


def credit_line(version: str | None, date: str | None, full_url: str, lang: str = ENGLISH) -> tuple[str, str]:
    """The credit under an embedded map, in ``lang``: (plain text, link target to the full view).
    The data's date is written as the language writes dates; a version stays as recorded."""
    _ = translations(lang).gettext
    licence = citation.DATA_LICENCE.short
    if version or date:
        when = (
            _("data version {version}").format(version=version)
            if version
            else _("data of {date}").format(date=_credit_date(date or "", lang))
        )
        text = _(
            "Source: Safeguard Defenders; government and press reports. "
            "110 Overseas station tracker, {when}, {licence}."
        ).format(when=when, licence=licence)
    else:
        text = _(
            "Source: Safeguard Defenders; government and press reports. 110 Overseas station tracker, {licence}."
        ).format(licence=licence)
    return text, full_url


def _credit_date(date: str, lang: str) -> str:
    if lang == ENGLISH:
        return date
    try:
        return format_date(date, lang)
    except ValueError:
        return date


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


#: Where the published map is served, under the app's address (``stations.publish.site``
#: writes there; nginx serves the same path from disk in the deployment).
PUBLISHED_PATH = "app/static/published/"

#: The few lines an article's page runs beside the iframe: the published page posts its height
#: (``static/js/published-view.js``) and the frame that sent it takes that height. Matched by
#: the message's source window, so two embeds on one article each get their own height.
RESIZER = (
    "<script>(function(){if(window.stationsEmbedResizer)return;window.stationsEmbedResizer=1;"
    'window.addEventListener("message",function(e){var d=e.data;'
    'if(!d||d.type!=="stations-embed-height"||typeof d.height!=="number")return;'
    'var f=document.querySelectorAll("iframe[data-stations-embed]");'
    "for(var i=0;i<f.length;i++){if(f[i].contentWindow===e.source){"
    'f[i].style.height=Math.max(200,Math.min(4000,d.height))+"px";}}});})();</script>'
)


def published_url(app_base: str, params: Mapping[str, str]) -> str:
    """The published map of a view: a one-country view is that country's own page (its title
    and preview image name the country), the rest of the view in the query."""
    rest = dict(params)
    page = "index.html"
    country = rest.get("country", "")
    if country and "," not in country:
        page = f"country/{country}/index.html"
        rest.pop("country")
    query = urlencode(rest)
    return f"{app_base.rstrip('/')}/{PUBLISHED_PATH}{page}" + (f"?{query}" if query else "")


def published_snippet(url: str, title: str, height: int = 600) -> str:
    """The published map's iframe and its resizer: a responsive height, as newsroom embeds have."""
    return (
        f'<iframe src="{html.escape(url, quote=True)}" title="{html.escape(title, quote=True)}" '
        f'width="100%" height="{int(height)}" style="border:0;width:100%" loading="lazy" '
        f"data-stations-embed></iframe>\n{RESIZER}"
    )
