"""The "Suggest a correction" link that each station and government action offers its readers.

It opens the repository's correction form prefilled with the row id and the link to the view
(the URL is built in ``stations.view.citation``); the reader adds the claim and its source.
"""

from __future__ import annotations

import streamlit as st

from stations.i18n import gettext
from stations.view import citation
from stations.view.filters import Filters
from stations.web import nav


def correction_url(kind: str, row_id: str, link: str) -> str:
    return citation.correction_url(citation.repository_url(), kind, row_id, link)


def correction_button(kind: str, row_id: str, filters: Filters, page: str = "map") -> None:
    """A button that opens the prefilled correction form in a new tab (none without a
    repository); the form carries the link to ``filters`` on ``page``."""
    if not citation.repository_url():
        return
    lang = filters.language
    st.link_button(
        gettext("Suggest a correction", lang),
        correction_url(kind, row_id, nav.public_url(filters, page)),
        icon=":material/edit_note:",
        help=gettext(
            "Opens a form in the project's repository about {kind} {id}: say what is wrong and give a source.",
            lang,
        ).format(kind=kind, id=row_id),
    )
