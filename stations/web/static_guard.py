"""No dotfile is served from ``static/``: a ``.env``, ``.git`` or editor file left there stays private.

Streamlit's static serving (``server.enableStaticServing``) serves every file under the app's
``static/`` folder and has no setting to hide some. Two ways in, one rule ("a path segment
starting with a dot is not there"):

- ``install()`` wraps the path check Streamlit's static and component routes call on every
  request (``build_safe_abspath`` in Streamlit 1.67's Starlette routes), so such a path is
  refused (400, as for any path it rejects). ``python -m stations serve`` installs it in the
  replica before the server starts (``stations.web.replica``), so from the first request on.
  ``stations.web.nav.page_setup`` installs it too (idempotent, as the run limit in
  ``stations/web/throttle.py``), for a bare ``streamlit run``, which has no start-up hook: there
  it holds from the first page run on.
- ``NoDotfiles`` is the same rule as ASGI middleware (404), for a server start that builds
  Streamlit's ``st.App`` itself: there it holds from the first request.

The image is built without them too (``.dockerignore``), and nginx refuses them in front of
everything (``deploy/nginx_conf.py``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]]
STATIC_PREFIX = "/app/static/"


def hidden(relative_path: str) -> bool:
    """True when any segment of ``relative_path`` (``/`` or ``\\`` separated) starts with a dot."""
    return any(part.startswith(".") for part in relative_path.replace("\\", "/").split("/"))


def install() -> None:
    """Refuse dotfiles in Streamlit's static and component file routes (idempotent)."""
    from streamlit.web.server.starlette import starlette_routes

    original = starlette_routes.build_safe_abspath
    if getattr(original, "_refuses_dotfiles", False):
        return

    @functools.wraps(original)
    def build_safe_abspath(root: str, relative_url_path: str) -> str | None:
        if hidden(relative_url_path):
            return None
        return original(root, relative_url_path)

    build_safe_abspath._refuses_dotfiles = True  # type: ignore[attr-defined]
    starlette_routes.build_safe_abspath = build_safe_abspath


class NoDotfiles:
    """ASGI middleware: a request for a dotfile under ``/app/static/`` gets a plain 404."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = unquote(scope.get("path", "")) if scope.get("type") == "http" else ""
        if STATIC_PREFIX in path and hidden(path.split(STATIC_PREFIX, 1)[1]):
            await send(
                {"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]}
            )
            await send({"type": "http.response.body", "body": b"Not found"})
            return
        await self.app(scope, receive, send)
