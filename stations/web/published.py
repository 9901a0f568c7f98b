"""The app's own copy of the published map, under ``/app/static/published/`` (Streamlit's
static serving), for a server that runs alone (``make run``, Community Cloud).

It is made from the data version being served, never from files that failed their checks
(only the data keeper's accepted version reaches here, and the build checks the files again),
whenever the served version changes. The build is ``python -m stations publish`` in a child
process at a lower CPU priority, watched by a background thread: no page run waits for it, and
its ~10 s of CPU (the preview images) neither holds this interpreter's lock nor outranks the
readers. A build whose files turn out to be another version than the one served (the files
changed meanwhile) is dropped; the next served version starts its own. Each build goes into its own folder
under ``static/published-builds/``; ``static/published`` is a link swapped to the new one in a
single step, so a reader gets one whole version or the other. The two newest builds are kept
(a reader who loaded the old page still gets its files).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from stations import settings
from stations.data import dataversion
from stations.publish import site

ROOT = Path(__file__).resolve().parents[2]

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


#: How much less CPU priority the build gets than the server (``nice``).
NICENESS = 10
#: A build that takes longer than this is stopped (it never takes a tenth of it).
BUILD_TIMEOUT_S = 600


def _build(data: Any, digest: str, directory: Path) -> None:
    del data  # the child reads and checks the files itself
    try:
        BUILDS.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"{digest[:12]}-", dir=BUILDS))
        out = folder / "site"
        child = subprocess.Popen(
            [sys.executable, "-m", "stations", "publish", "--out", str(out), "--data-dir", str(directory)],
            cwd=ROOT,
            env=settings.child_environment({}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        with contextlib.suppress(OSError):  # it may have finished already
            os.setpriority(os.PRIO_PROCESS, child.pid, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)
        try:
            _, stderr = child.communicate(timeout=BUILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            _, stderr = child.communicate()
        built = site.read_version(out) if child.returncode == 0 else None
        if not built or built.get("digest") != digest:
            shutil.rmtree(folder, ignore_errors=True)
            log.warning(
                "the published map was not built for data %s: %s",
                digest[:12],
                (stderr.strip().splitlines() or ["another version of the files was read"])[-1],
            )
            return
        out.chmod(0o755)
        site.swap_in(out, site.APP_LINK)
        _prune(folder)
        with _lock:
            _state["digest"] = digest
        log.info("published map built for data version %s (%s)", built.get("version"), digest[:12])
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
