"""Dotfiles under static/ are never served, and a link too long for nginx gets a readable page.

The app is run as it is served (``python -m stations serve``), staged beside its pages and a
``static/`` folder that holds, besides a real file, a ``.env``, a ``.git/config`` and an editor's
``js/.station-layer.js.swp``. They are asked for directly from the app (before any page has run:
the replica installs ``stations/web/static_guard.py`` at process start; and after a page run)
and through nginx (deploy/nginx_conf.py, on loopback), which refuses them in front of it. A 10 KB link through nginx gets the
short page that links the unfiltered map, not nginx's bare 414; a link under the limit still
reaches the app.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import ROOT, STATIC_DIR, streamlit_server
from tests.support.deploy import nginx, nginx_binary
from tests.support.live_pages import Page, ws_url

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(240)]

SECRET = b"STATIONS_TEST_SECRET=do-not-serve"
#: Paths under /app/static/ that must not be served, as a browser or a scanner would ask.
HIDDEN = [
    ".env",
    "%2eenv",
    ".git/config",
    "js/.station-layer.js.swp",
    "js/../.env",
    "css/%2E%2E/.env",
]
VISIBLE = "js/station-layer.js"


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": "static-test"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(the app's own base URL, nginx's), the app staged with dotfiles in its static/ folder."""
    if nginx_binary() is None:
        pytest.fail("nginx is not installed: `make nginx` (a dependency of `make test`) installs it")
    root = tmp_path_factory.mktemp("staged")
    shutil.copyfile(ROOT / "app.py", root / "app.py")
    (root / "pages").symlink_to(ROOT / "pages", target_is_directory=True)
    static = root / "static"
    (static / "js").mkdir(parents=True)
    (static / "css").mkdir()
    shutil.copyfile(STATIC_DIR / VISIBLE, static / VISIBLE)
    (static / ".env").write_bytes(SECRET)
    (static / ".git").mkdir()
    (static / ".git" / "config").write_bytes(SECRET)
    (static / "js" / ".station-layer.js.swp").write_bytes(SECRET)
    env = {"STATION_MAP_TILES": "none"}
    with streamlit_server(root / "app.py", env=env) as base:
        address = base.split("//", 1)[1].strip("/")
        with nginx([address]) as (url, _, _):
            yield base, url


def assert_refused(status: int, body: bytes, where: str) -> None:
    assert status in (400, 404), (where, status)
    assert SECRET not in body, where


def assert_only_the_real_file_served(base: str) -> None:
    for path in HIDDEN:
        status, _, body = fetch(f"{base}app/static/{path}")
        assert_refused(status, body, path)
    status, _, body = fetch(f"{base}app/static/{VISIBLE}")
    assert status == 200 and body == (STATIC_DIR / VISIBLE).read_bytes()


def test_nginx_refuses_dotfiles_before_any_page_has_run(served: tuple[str, str]) -> None:
    assert_only_the_real_file_served(served[1])


def test_the_app_refuses_dotfiles_from_its_first_request_and_after_a_page_has_run(
    served: tuple[str, str],
) -> None:
    """``python -m stations serve`` installs the guard before its server starts: no session has
    run a page yet (nothing before this test opens a WebSocket), and the dotfiles are refused."""
    base, _ = served
    assert_only_the_real_file_served(base)
    page = Page(ws_url(base))
    try:
        assert page.run().status == "FINISHED_SUCCESSFULLY"
    finally:
        page.close()
    assert_only_the_real_file_served(base)


def test_a_10_kb_link_through_nginx_gets_a_readable_page_with_a_way_in(served: tuple[str, str]) -> None:
    _, proxy = served
    long_query = "country=" + ",".join(["FR"] * 3400)  # ~10 KB
    assert len(long_query) > 10_000
    status, headers, body = fetch(f"{proxy}?{long_query}")
    assert status == 414
    assert headers.get("content-type", "").startswith("text/html")
    text = body.decode()
    assert "This link is too long to open" in text and "8 KB" in text
    assert '<a href="/">Open the map with no filters</a>' in text
    assert headers.get("referrer-policy") == "no-referrer"
    # Under the limit, the link reaches the app (its HTML shell).
    status, _, body = fetch(f"{proxy}?" + "country=" + ",".join(["FR"] * 2000))
    assert status == 200 and b"<html" in body.lower()


def test_nginx_serves_files_from_a_private_folder(tmp_path: Path) -> None:
    """A checkout in a folder only its owner may enter (``mktemp -d`` makes ``drwx------``): the
    test nginx's workers read what it serves from there, as the invoking user, even when the
    tests run as root (nginx would otherwise start its workers as ``nobody``)."""
    private = Path(tempfile.mkdtemp(dir=tmp_path))
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    static = private / "checkout" / "static"
    (static / "js").mkdir(parents=True)
    shutil.copyfile(STATIC_DIR / VISIBLE, static / VISIBLE)
    with nginx(["127.0.0.1:9"], app_static=str(static)) as (url, _, _):
        status, _, body = fetch(f"{url}app/static/{VISIBLE}")
    assert status == 200 and body == (STATIC_DIR / VISIBLE).read_bytes()
