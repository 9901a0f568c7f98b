"""The link grammar and the filters' matching, as data a browser can run.

The published map (``stations.publish``) filters in the reader's browser, from its link, exactly
as the dashboard filters on the server. Rather than write the grammar a second time in
JavaScript, it is handed to the page as JSON made here from the same records the dashboard
reads: each facet's spellings (names and codes), its options, how a sentence says it, and which
stations each option keeps (``Facet.incidence``, the arrays ``stations.view.index`` filters
with); the tracking parameters, length limits and notice templates of ``stations.view.filters``.
``static/js/published-view.js`` only interprets it. Plain Python.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

import pandas as pd

from stations.i18n import ENGLISH, gettext, ngettext, number_grouping, pgettext
from stations.view import facets, filters
from stations.view.embed import filter_summary


@functools.cache
def whitespace() -> str:
    """Characters ``str.strip`` removes (Python's whitespace differs from JavaScript's ``trim``)."""
    return "".join(ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace())


#: Bumped when the shape below changes, so an old page never misreads a new file.
FORMAT = 1


@functools.cache
def unprintable() -> list[list[int]]:
    """Ranges ``[first, last]`` of the code points ``str.isprintable`` rejects (a notice shows
    them as U+FFFD): Python's own Unicode tables, so the browser's older or newer ones differ in
    nothing."""
    ranges: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        if not chr(code).isprintable():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return ranges


def link_grammar(options: filters.Options) -> dict[str, Any]:
    """What a link may say and how each part is read (see ``Filters.from_query_params``)."""
    return {
        "format": FORMAT,
        "keys": list(filters.KEYS),
        "listKeys": list(filters.LIST_FIELDS),
        # The language: read by the published map with the page's tag table (its configuration:
        # ``stations.i18n.tag_table``), as ``parse_lang`` reads it.
        "langKey": filters.LANG,
        "trackingParams": sorted(filters.TRACKING_PARAMS),
        "trackingPrefixes": list(filters.TRACKING_PREFIXES),
        "appParams": sorted(filters.APP_PARAMS),
        "maxValueLength": filters.MAX_VALUE_LENGTH,
        "quoteLength": filters.QUOTE_LENGTH,
        "whitespace": whitespace(),
        "unprintable": unprintable(),
        "notices": dict(filters.NOTICES),
        "noticeLead": filters.NOTICE_LEAD,
        "stationOutside": filters.STATION_OUTSIDE,
        "maxSaid": facets.MAX_SAID_VALUES,
        "facets": [_facet(facet, options) for facet in facets.FACETS],
    }


def _facet(facet: facets.Facet, options: filters.Options) -> dict[str, Any]:
    allowed = options.allowed(facet.key)
    return {
        "key": facet.key,
        "options": list(allowed),
        "spellings": facet.spellings(allowed, options.countries),
        "urlValues": {v: facet.url_value(v) for v in allowed},
        # How a one-line summary names each value (Facet.describe) and introduces them.
        "said": facet.said or facet.short,
        "words": {v: facet.short_names.get(v) or facet.option_label(v, options.countries) for v in allowed},
    }


def filter_index(stations: pd.DataFrame, summary: pd.DataFrame, options: filters.Options) -> dict[str, Any]:
    """Which stations each option keeps: per facet, each station's row (``codes``, in the order
    of ``stations``) of a table listing the options that row matches."""
    out: dict[str, Any] = {"ids": [str(s) for s in stations["station_id"]], "facets": {}}
    for facet in facets.FACETS:
        codes, table = facet.incidence(stations, summary, options.allowed(facet.key))
        out["facets"][facet.key] = {
            "codes": [int(c) for c in codes],
            "rows": [[int(j) for j in row.nonzero()[0]] for row in table],
        }
    return out


def summary_line(chosen: filters.Filters, options: filters.Options, count: int, lang: str = ENGLISH) -> str:
    """The counts line the published page shows for a view (the embed line's words)."""
    return filter_summary(chosen, options.countries, count, lang)


def _forms(singular: str, plural: str, lang: str) -> list[str]:
    # The three languages' plural rules: one form for 1, another for the rest (English); one
    # form for every count (Chinese). The page picks the first for 1, the second otherwise.
    return [ngettext(singular, plural, 1, lang), ngettext(singular, plural, 2, lang)]


def reading_words(options: filters.Options, lang: str) -> dict[str, Any]:
    """What the published page says of a link in ``lang`` (not English: the page writes English
    itself): the notices (``filters.NOTICES``, ``NOTICE_LEAD``, ``STATION_OUTSIDE`` and
    ``notice_text``'s separators) and the counts line's words (``embed.filter_summary``'s,
    ``Facet.describe``'s, and the language's grouping of digits). ``static/js/published-view.js``
    fills them as the Python fills them."""
    return {
        "notices": {kind: gettext(template, lang) for kind, template in filters.NOTICES.items()},
        "noticeLead": gettext(filters.NOTICE_LEAD, lang),
        "noticeSeparator": pgettext("notices", "; ", lang),
        "sentenceEnd": pgettext("sentence end", ".", lang),
        "stationOutside": gettext(filters.STATION_OUTSIDE, lang),
        "sentences": pgettext("sentences", "{first} {second}", lang),
        "all": _forms("All {count} reported station", "All {count} reported stations", lang),
        "count": _forms("{count} station", "{count} stations", lang),
        "more": _forms("{names} and {count} more", "{names} and {count} more", lang),
        "filter": gettext("{filter}: {options}", lang),
        "list": pgettext("list", ", ", lang),
        "number": number_grouping(lang),
        "facets": {
            facet.key: {
                "said": facet.short_in(lang),
                "words": {
                    v: facet.option_label(v, options.countries, lang) for v in options.allowed(facet.key)
                },
            }
            for facet in facets.FACETS
        },
    }
