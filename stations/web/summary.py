"""What the page says about the view as a whole: the headline, and the empty result."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from stations.view import facets
from stations.view.filters import Filters, escape_markdown
from stations.view.headline import headline

if TYPE_CHECKING:
    from stations.web.ui import Data


def headline_sentence(data: Data, filters: Filters) -> None:
    """The reconciliation, stated for this view (figures from the data)."""
    filtered = not filters.without("station").is_default
    sentence = data.view(filters).derived(
        f"sentence:{filtered}", lambda view: headline(view, data.waves, filtered=filtered).sentence()
    )
    st.markdown(sentence)


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
