"""Links to a view, built in one place: the page's own address plus the view's parameters.

A share link must be the link the address bar shows, spelled the same way: absolute (scheme,
host, any base path the server sits under, the page), with the query encoded by ``urlencode``
as the browser encodes it (a comma is ``%2C``). Plain Python: no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit


def share_url(page_address: str | None, page_path: str, params: Mapping[str, str]) -> str:
    """The absolute link to ``params`` on the page at ``page_address``.

    ``page_address`` is where the reader's browser has the page, without query (Streamlit's
    ``st.context.url``: scheme, host, base path and page, no trailing slash). ``page_path`` is
    the page's own path segment ("" for the main page, which the address bar writes with a
    trailing slash). Without an address (no browser connected: tests, scripts) the link is
    relative to the server root, which is the best that can be said without a host.
    """
    query = urlencode(dict(params))
    if not page_address:
        path = "/" + page_path.strip("/")
        return path + (f"?{query}" if query else "")
    parts = urlsplit(page_address)
    path = parts.path.rstrip("/")
    if page_path and not path.endswith("/" + page_path.strip("/")):
        path = f"{path}/{page_path.strip('/')}"
    if not page_path:
        path += "/"
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))
