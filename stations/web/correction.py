"""The "Suggest a correction" link that each station and government action offers its readers.

It opens the repository's correction form prefilled with the row id and the link to the view
(the URL is built in ``stations.view.citation``); the reader adds the claim and its source.
"""

from __future__ import annotations

import streamlit as st

from stations.view import citation, links
from stations.web import state


def view_link(page: str = "", **changes: str) -> str:
    """The full link to the reader's current view on ``page``, with some parameters changed."""
    params = {key: ",".join(values) for key, values in state.url_params().items()}
    params.update(changes)
    return links.share_url(citation.public_base(st.context.url), page, params)


def correction_url(kind: str, row_id: str, link: str) -> str:
    return citation.correction_url(citation.repository_url(), kind, row_id, link)


def correction_button(kind: str, row_id: str, page: str = "", **changes: str) -> None:
    """A button that opens the prefilled correction form in a new tab (none without a repository)."""
    if not citation.repository_url():
        return
    st.link_button(
        "Suggest a correction",
        correction_url(kind, row_id, view_link(page, **changes)),
        icon=":material/edit_note:",
        help=f"Opens a form in the project's repository about {kind} {row_id}: say what is wrong "
        "and give a source.",
    )
