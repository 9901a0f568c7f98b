"""The dotfile rule of stations/web/static_guard.py, as ASGI middleware (a server start that
builds ``st.App`` uses it; the installed route check is proven on a live server in
tests/deploy/test_static_and_long_links.py)."""

from __future__ import annotations

import asyncio

import pytest

from stations.web import static_guard


@pytest.mark.parametrize(
    ("path", "hidden"),
    [(".env", True), ("js/.x.swp", True), (".git/config", True), ("a\\.b", True), ("js/app.js", False),
     ("vendor/leaflet@1.9.3/dist/leaflet.js", False), ("basemap/places.json", False)],
)  # fmt: skip
def test_a_segment_starting_with_a_dot_is_hidden(path: str, hidden: bool) -> None:
    assert static_guard.hidden(path) is hidden


def call(path: str) -> tuple[int, list[str]]:
    reached: list[str] = []
    sent: list[dict] = []

    async def app(scope: dict, receive: object, send: object) -> None:
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request"}

    middleware = static_guard.NoDotfiles(app)
    asyncio.run(middleware({"type": "http", "path": path}, receive, send))
    return sent[0]["status"], reached


@pytest.mark.parametrize("path", ["/app/static/.env", "/app/static/js/.x.swp", "/base/app/static/%2eenv"])
def test_the_middleware_answers_404_for_a_dotfile(path: str) -> None:
    assert call(path) == (404, [])


@pytest.mark.parametrize("path", ["/app/static/js/station-layer.js", "/", "/.well-known/x"])
def test_the_middleware_passes_everything_else_on(path: str) -> None:
    assert call(path) == (200, [path])
