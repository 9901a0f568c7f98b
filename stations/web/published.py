"""The app's own copy of the published map, under ``/app/static/published/`` (Streamlit's
static serving), for a server that runs alone (``make run``, Community Cloud).

It is made from the data version being served, never from files that failed their checks
(only the data keeper's accepted version reaches here), in a background thread so no page run
waits for it, and whenever the served version changes. Each build goes into its own folder
under ``static/published-builds/``; ``static/published`` is a link swapped to the new one in a
single step, so a reader gets one whole version or the other. The two newest builds are kept
(a reader who loaded the old page still gets its files).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from stations import settings
from stations.data import dataversion
from stations.publish import site, source

log = logging.getLogger(__name__)

#: Where the builds live (beside the link, inside ``static/``: Streamlit serves both).
BUILDS = site.APP_LINK.with_name("published-builds")
#: Builds kept: the one served and the one before it.
KEEP = 2

_lock = threading.Lock()
_state: dict[str, object] = {"digest": None, "building": None}


def published_digest(link: Path | None = None) -> str | None:
    """The data digest the app's published copy carries (None where there is none)."""
    found = site.read_version(link or site.APP_LINK)
    return str(found["digest"]) if found and found.get("digest") else None


def ensure(served: dataversion.Served[Any], directory: Path) -> threading.Thread | None:
    """Start building the published copy of ``served`` unless it is already there (or being
    built); return the building thread, if one was started. ``served.value`` is the pages'
    ``stations.web.data.Data``; ``directory`` the data files' folder."""
    digest = served.digest
    if served.value is None or not digest:
        return None
    with _lock:
        if _state["digest"] == digest or _state["building"] == digest:
            return None
        if _state["digest"] is None and published_digest() == digest:
            _state["digest"] = digest
            return None
        _state["building"] = digest
    worker = threading.Thread(
        target=_build, args=(served.value, digest, directory), name="publish", daemon=True
    )
    worker.start()
    return worker


def _build(data: Any, digest: str, directory: Path) -> None:
    try:
        made = source.from_frames(
            directory, data.stations, data.summary, data.options, data.index.shapes, digest
        )
        BUILDS.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"{digest[:12]}-", dir=BUILDS))
        site.build_site(made, folder, public_url=settings.PUBLIC_URL.read())
        folder.chmod(0o755)
        site.swap_in(folder, site.APP_LINK)
        _prune(folder)
        with _lock:
            _state["digest"] = digest
        log.info("published map built for data version %s (%s)", made.version, digest[:12])
    except Exception:  # noqa: BLE001 (the page keeps serving; the next run tries again)
        log.exception("the published map could not be built for data %s", digest[:12])
    finally:
        with _lock:
            if _state["building"] == digest:
                _state["building"] = None


def _prune(current: Path) -> None:
    builds = sorted(
        (p for p in BUILDS.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True
    )
    keep = {current.resolve(), *(p.resolve() for p in builds[:KEEP])}
    for old in builds:
        if old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)
    stray = site.APP_LINK.with_name(f"{site.APP_LINK.name}.link-{os.getpid()}")
    if stray.is_symlink():
        stray.unlink()
