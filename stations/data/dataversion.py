"""Which version of the data files the site serves: always the last one that validated.

A data change is picked up without a restart, but a change that fails validation (a truncated
upload, a half-copied file, a file made unreadable) must never take the site down: readers keep
the last good version, the problems go to the server log, and the page may say, discreetly, the
date of the data it shows.

A change is detected by content, not by modification time: ``cp -p``, ``rsync -t`` and
``touch -r`` put the old mtime back on new bytes. Each check costs one ``stat`` per file; the
files are hashed only when what ``stat`` says (inode, size, mtime, ctime, mode) changed, and
at least every ``recheck_s`` seconds anyway, for file systems whose times cannot be trusted.
Reading never blocks on a FIFO or a device put in a file's place: only regular files are read.

Nothing here imports Streamlit: the keeper is plain Python, tested without a server.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generic, TypeVar

from stations.data.load import DataError, Problem

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How often the files' bytes are hashed even though ``stat`` saw no change, in seconds.
RECHECK_S = 10.0
#: Problems written to the log per failed version (the first ones carry the cause).
LOGGED_PROBLEMS = 50

#: One file as ``stat`` sees it: (inode, device, size, mtime, ctime, mode), or an error name.
Signature = tuple[tuple[int, int, int, int, int, int] | str, ...]


def signature(paths: Sequence[Path]) -> Signature:
    """What ``stat`` says of each file: cheap enough for every run of every page."""
    out: list[tuple[int, int, int, int, int, int] | str] = []
    for path in paths:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            out.append("absent")
        except OSError as err:
            out.append(f"stat error {err.errno}")
        else:
            out.append((st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode))
    return tuple(out)


def _read_regular(path: Path) -> bytes:
    """The file's bytes; ``OSError`` if it is missing, unreadable or not a regular file.

    Opened non-blocking and checked with ``fstat`` on the open descriptor, so a FIFO put in
    the file's place cannot hang the server and a swap between check and read cannot fool it.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def snapshot(paths: Sequence[Path]) -> tuple[str, dict[Path, bytes]]:
    """A hash of every file's name and bytes (absent and unreadable files included as such),
    and the bytes of the files that could be read."""
    h = hashlib.blake2b(digest_size=16)
    contents: dict[Path, bytes] = {}
    for path in paths:
        h.update(path.name.encode() + b"\0")
        try:
            data = _read_regular(path)
        except FileNotFoundError:
            h.update(b"absent\0")
        except OSError as err:
            h.update(f"unreadable {err.errno} {err.strerror}\0".encode())
        else:
            h.update(len(data).to_bytes(8, "big") + data)
            contents[path] = data
    return h.hexdigest(), contents


def digest(paths: Sequence[Path]) -> str:
    """A hash of every file's name and bytes (absent and unreadable files included as such)."""
    return snapshot(paths)[0]


def check_readable(paths: Sequence[Path], required: Sequence[Path]) -> list[Problem]:
    """A problem for each file that cannot be read as a regular file (absent is fine unless required).

    Run before the loader so that an unreadable optional file (the country outlines, the
    unidentified list) is named as the cause instead of surfacing as a traceback.
    """
    problems: list[Problem] = []
    for path in paths:
        try:
            _read_regular(path)
        except FileNotFoundError:
            if path in required:
                problems.append(Problem(str(path), 0, "-", "cannot read: No such file or directory"))
        except OSError as err:
            problems.append(Problem(str(path), 0, "-", f"cannot read: {err.strerror or err}"))
    return problems


@dataclass(frozen=True)
class Served(Generic[T]):
    """What a page gets: the data to show and what to say about it."""

    #: The last good version, or None if no version of the files has ever validated.
    value: T | None
    #: The date of that version (shown to readers), "" if there is none.
    date: str
    #: True when the files on disk changed to something that failed validation.
    held_back: bool
    #: Problems of the files on disk when they are broken, named by file name only (never a
    #: server path); shown to readers only when there is no good version to serve instead.
    problems: tuple[str, ...] = ()
    #: The bytes of the good version's files, by name relative to the directory: what a
    #: "download the full file" button must serve (the file on disk may be the broken one).
    files: Mapping[str, bytes] = field(default_factory=dict)


class LastGood(Generic[T]):
    """Serve the last version of a data directory that ``build`` accepted.

    ``build(directory)`` returns the value to serve or raises (``DataError`` for validation
    problems; anything else is logged with its traceback). ``date_of(directory)`` gives the
    date of a version as it is loaded. A rebuild happens in the thread of the run that first
    sees the change; other runs keep serving the old version meanwhile instead of waiting.
    """

    def __init__(
        self,
        directory: Path,
        names: Sequence[str | os.PathLike[str]],
        build: Callable[[Path], T],
        *,
        required: Sequence[str] = (),
        date_of: Callable[[Path], str] = lambda _: "",
        recheck_s: float = RECHECK_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = Path(directory)
        self.paths = tuple(self.directory / name for name in names)
        self.required = tuple(self.directory / name for name in required)
        self._build = build
        self._date_of = date_of
        self.recheck_s = recheck_s
        self._clock = clock
        self._lock = threading.Lock()
        self._signature: Signature | None = None
        self._hashed_at = float("-inf")
        self._good_digest: str | None = None
        self._bad_digest: str | None = None
        self._served: Served[T] = Served(None, "", False)
        #: Content checks and builds done (for tests and the benchmark).
        self.hashes = 0
        self.builds = 0

    def current(self) -> Served[T]:
        """The version to show now; at most one ``stat`` per file when nothing changed."""
        sig = signature(self.paths)
        if sig == self._signature and self._clock() - self._hashed_at < self.recheck_s:
            return self._served
        if self._served.value is not None:
            # Someone is already checking or rebuilding: serve the good version meanwhile.
            if not self._lock.acquire(blocking=False):
                return self._served
        else:
            self._lock.acquire()
        try:
            self._refresh(sig)
        finally:
            self._lock.release()
        return self._served

    def _refresh(self, sig: Signature) -> None:
        if sig == self._signature and self._clock() - self._hashed_at < self.recheck_s:
            return  # another run checked while this one waited for the lock
        now = self._clock()
        version, contents = snapshot(self.paths)
        self.hashes += 1
        self._signature, self._hashed_at = sig, now
        if version == self._good_digest:
            if self._served.held_back:
                log.warning("data files in %s are back to the version being served", self.directory)
                self._served = replace(self._served, held_back=False, problems=())
            return
        if version == self._bad_digest:
            return  # already tried and logged
        self.builds += 1
        try:
            problems = check_readable(self.paths, self.required)
            if problems:
                raise DataError(problems)
            value = self._build(self.directory)
            date = self._date_of(self.directory)
        except DataError as err:
            self._reject(version, list(err.problems), None)
            return
        except Exception as err:  # noqa: BLE001 (any failure keeps the good version; logged in full)
            problem = Problem(str(self.directory), 0, "-", f"could not be loaded: {type(err).__name__}")
            self._reject(version, [problem], err)
            return
        self._good_digest, self._bad_digest = version, None
        files = {str(path.relative_to(self.directory)): data for path, data in contents.items()}
        self._served = Served(value, date, False, files=files)
        log.info("data files in %s loaded (version %s, dated %s)", self.directory, version[:12], date)

    def _reject(self, version: str, problems: list[Problem], error: BaseException | None) -> None:
        self._bad_digest = version
        keeping = self._served.value is not None
        shown = "\n".join(f"  {p}" for p in problems[:LOGGED_PROBLEMS])
        more = len(problems) - LOGGED_PROBLEMS
        log.error(
            "data files in %s failed validation (%d problem%s, the first is the cause); %s\n%s%s",
            self.directory,
            len(problems),
            "" if len(problems) == 1 else "s",
            f"still serving the version dated {self._served.date}"
            if keeping
            else "no valid version to serve",
            shown,
            f"\n  ... and {more} more" if more > 0 else "",
            exc_info=error,
        )
        public = tuple(str(_without_path(p)) for p in problems)
        self._served = replace(self._served, held_back=keeping, problems=public)


def _without_path(problem: Problem) -> Problem:
    """The problem named by file name only: readers never see where the server keeps its files."""
    return Problem(Path(problem.file).name, problem.line, problem.column, problem.message)


_keepers: OrderedDict[tuple[object, ...], LastGood[object]] = OrderedDict()
_keepers_lock = threading.Lock()
#: Data directories kept at once (a server has one; tests and previews switch between a few).
MAX_KEEPERS = 4


def keeper(key: tuple[object, ...], make: Callable[[], LastGood[T]]) -> LastGood[T]:
    """The process-wide keeper for ``key``, made on first use.

    Held here rather than in Streamlit's resource cache, which any client can clear (the
    ``clear_cache`` message): the last good version must survive that.
    """
    with _keepers_lock:
        found = _keepers.get(key)
        if found is None:
            found = _keepers[key] = make()
            while len(_keepers) > MAX_KEEPERS:
                _keepers.popitem(last=False)
        else:
            _keepers.move_to_end(key)
        return found  # type: ignore[return-value]
