"""Which version of the data files the site serves: always the last one that validated.

A data change is picked up without a restart, but a change that fails validation (a truncated
upload, a half-copied file, a file made unreadable) must never take the site down: readers keep
the last good version, the problems go to the server log, and the page may say, discreetly, the
date of the data it shows.

Every check runs in the keeper's own thread, never in a reader's script run: a large or slow
update costs readers nothing but CPU, and a newer file supersedes an update still being
checked (that check's result is dropped). A file over the size limit (``STATIONS_MAX_DATA_FILE_MB``)
is refused unread. ``status(directory)`` says whether valid data is being served, for the
health endpoints.

A change is detected by content, not by modification time: ``cp -p``, ``rsync -t`` and
``touch -r`` put the old mtime back on new bytes. Each check costs one ``stat`` per file; the
files are hashed only when what ``stat`` says (inode, size, mtime, ctime, mode) changed, and
at least every ``recheck_s`` seconds anyway, for file systems whose times cannot be trusted.
Reading never blocks on a FIFO or a device put in a file's place: only regular files are read
(``stations.data.regular``, as every reader of the data files does).

Nothing here imports Streamlit: the keeper is plain Python, tested without a server.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generic, TypeVar

from stations import settings
from stations.data.load import DataError, Problem
from stations.data.regular import human_size, read_regular

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How often the files' bytes are hashed even though ``stat`` saw no change, in seconds.
RECHECK_S = 10.0
#: Problems written to the log per failed version (the first ones carry the cause).
LOGGED_PROBLEMS = 50
#: Setting: the largest data file the server reads, in megabytes. A larger file (an editor's
#: paste that repeated the rows, a wrong file copied in) is refused at once, unread, and the
#: version being served stays. The real files are well under 1 MB; a 6 MB stations file is
#: checked and built in under 1 s of CPU (bench/validation.py).
MAX_FILE_MB_ENV = settings.MAX_DATA_FILE_MB.name
DEFAULT_MAX_FILE_MB = float(settings.MAX_DATA_FILE_MB.default)
#: How often a check in progress looks for a newer version of the files, in seconds.
POLL_S = 0.25
#: Superseded checks left to finish in the background at once (a thread cannot be stopped);
#: a newer check waits for one of them rather than pile up more.
MAX_ABANDONED = 2


def max_file_bytes(env: Mapping[str, str] | None = None) -> int:
    """The size limit of one data file, in bytes, from ``STATIONS_MAX_DATA_FILE_MB``.

    A value that is not a positive number is logged and the default used: a typo in the
    setting must not take the site down.
    """
    value = settings.MAX_DATA_FILE_MB.read(env)
    megabytes = DEFAULT_MAX_FILE_MB
    if value != settings.MAX_DATA_FILE_MB.default:
        try:
            megabytes = float(value)
            if not megabytes > 0:
                raise ValueError(value)
        except ValueError:
            log.error(
                "%s=%r is not a positive number of megabytes; using %s",
                MAX_FILE_MB_ENV,
                value,
                DEFAULT_MAX_FILE_MB,
            )
            megabytes = DEFAULT_MAX_FILE_MB
    return int(megabytes * 1_000_000)


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


def snapshot(paths: Sequence[Path], limit: int | None = None) -> tuple[str, dict[Path, bytes]]:
    """A hash of every file's name and bytes (absent and unreadable files included as such),
    and the bytes of the files that could be read (each at most ``limit`` bytes)."""
    h = hashlib.blake2b(digest_size=16)
    contents: dict[Path, bytes] = {}
    for path in paths:
        h.update(path.name.encode() + b"\0")
        try:
            data = read_regular(path, limit)
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


def check_readable(
    paths: Sequence[Path], required: Sequence[Path], limit: int | None = None
) -> list[Problem]:
    """A problem for each file that cannot be read as a regular file (absent is fine unless
    required), or is longer than ``limit`` bytes.

    Run before the loader so that an unreadable optional file (the country outlines, the
    unidentified list) is named as the cause instead of surfacing as a traceback.
    """
    problems: list[Problem] = []
    for path in paths:
        try:
            read_regular(path, limit)
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
    #: True while the files are being checked (or a check is about to start): with no value,
    #: the page says "checking the data files" rather than show an empty list of problems.
    checking: bool = False
    #: The content hash of the good version's files (what the static publisher names its
    #: output by, so that it can never serve another version than this one).
    digest: str = ""


@dataclass(frozen=True)
class DataStatus:
    """What the health endpoints say of a data directory: one line each, no server path."""

    #: Valid data is being served (perhaps while a newer, broken update is held back).
    ready: bool
    #: A check of the files is running, or about to.
    checking: bool
    #: The content hash (12 hex digits) of the version being served, None if none is.
    version: str | None
    #: What is wrong with the files on disk, in one line naming files by name only; None if
    #: nothing is (or nothing is known yet).
    problem: str | None


@dataclass
class _Check:
    """One version of the files being built in its own thread."""

    version: str
    contents: dict[Path, bytes]
    started: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    value: object = None
    date: str = ""
    problems: list[Problem] = field(default_factory=list)
    error: BaseException | None = None
    cpu_s: float = 0.0
    wall_s: float = 0.0


class LastGood(Generic[T]):
    """Serve the last version of a data directory that ``build`` accepted.

    ``build(directory)`` returns the value to serve or raises (``DataError`` for validation
    problems; anything else is logged with its traceback). ``date_of(directory)`` gives the
    date of a version as it is loaded. Checks and builds run in the keeper's own thread, which
    starts with the first check at once; a page run only ``stat``s the files and, when they
    changed, asks that thread for a check. Meanwhile every run serves the old version.
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
        max_bytes: int | None = None,
        poll_s: float = POLL_S,
    ) -> None:
        self.directory = Path(directory)
        self.paths = tuple(self.directory / name for name in names)
        self.required = tuple(self.directory / name for name in required)
        self._build = build
        self._date_of = date_of
        self.recheck_s = recheck_s
        self._clock = clock
        self.max_bytes = max_file_bytes() if max_bytes is None else max_bytes
        self.poll_s = poll_s
        self._cond = threading.Condition()
        self._wanted = True  # the first check starts at once
        self._closed = False
        self._signature: Signature | None = None
        self._hashed_at = float("-inf")
        self._good_digest: str | None = None
        self._bad_digest: str | None = None
        self._served: Served[T] = Served(None, "", False, checking=True)
        self._abandoned: list[threading.Thread] = []
        #: Content checks, builds and superseded builds done (for tests and the benchmark).
        self.hashes = 0
        self.builds = 0
        self.superseded = 0
        self._thread = threading.Thread(
            target=self._run, name=f"data check {self.directory.name}", daemon=True
        )
        self._thread.start()

    # --- what pages and probes call --------------------------------------------------------

    def current(self) -> Served[T]:
        """The version to show now: one ``stat`` per file, never a wait.

        When the files changed (or ``recheck_s`` passed) the keeper's thread is asked for a
        check and the version being served is returned meanwhile.
        """
        sig = signature(self.paths)
        if sig == self._signature and self._clock() - self._hashed_at < self.recheck_s:
            return self._served
        with self._cond:
            if not self._wanted:
                self._wanted = True
                if not self._served.checking:
                    self._served = replace(self._served, checking=True)
                self._cond.notify_all()
            return self._served

    def wait(self, timeout: float | None = None) -> Served[T]:
        """The version to show once no check is running (or after ``timeout`` seconds)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._served.checking and not self._closed:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._cond.wait(left)
            return self._served

    def settled(self, timeout: float | None = 60.0) -> Served[T]:
        """``current()`` and then ``wait()``: what a caller that can afford to wait sees."""
        self.current()
        return self.wait(timeout)

    def status(self) -> DataStatus:
        """Ready, checking, the version served and the files' problem, for health endpoints."""
        served = self.current()
        ready = served.value is not None
        problem = None
        if served.problems:
            more = len(served.problems) - 1
            problem = served.problems[0] + (f" (and {more} more)" if more else "")
            if ready:
                problem = "a newer version is held back: " + problem
        version = self._good_digest[:12] if ready and self._good_digest else None
        return DataStatus(ready=ready, checking=served.checking, version=version, problem=problem)

    def close(self) -> None:
        """Stop the keeper's thread (after the check it is running, if any)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # --- the keeper's thread ------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._wanted and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                self._wanted = False
            try:
                self._check()
            except Exception as err:  # noqa: BLE001 (the thread must outlive any fault; logged in full)
                problem = Problem(str(self.directory), 0, "-", f"could not be checked: {type(err).__name__}")
                self._reject(f"error {type(err).__name__}", [problem], err, "check failed")
            with self._cond:
                if not self._wanted and self._served.checking:
                    self._served = replace(self._served, checking=False)
                self._cond.notify_all()

    def _check(self) -> None:
        sig = signature(self.paths)
        self._signature, self._hashed_at = sig, self._clock()
        oversized = [
            (path, entry[2])
            for path, entry in zip(self.paths, sig, strict=True)
            if isinstance(entry, tuple) and entry[2] > self.max_bytes
        ]
        if oversized:
            self._refuse_oversized(sig, oversized)
            return
        version, contents = snapshot(self.paths, self.max_bytes)
        self.hashes += 1
        if version == self._good_digest:
            if self._served.held_back:
                log.warning("data files in %s are back to the version being served", self.directory)
                self._set(replace(self._served, held_back=False, problems=()))
            return
        if version == self._bad_digest:
            return  # already tried and logged
        self._build_version(_Check(version, contents), sig)

    def _refuse_oversized(self, sig: Signature, oversized: list[tuple[Path, int]]) -> None:
        version = f"oversized {sig!r}"
        if version == self._bad_digest:
            return
        limit = human_size(self.max_bytes)
        problems = [
            Problem(
                str(path),
                0,
                "-",
                f"the file is {human_size(size)}, over the limit of {limit} for a data file "
                f"({MAX_FILE_MB_ENV}): refused unread",
            )
            for path, size in oversized
        ]
        self._reject(version, problems, None, "refused at once")

    def _build_version(self, check: _Check, sig: Signature) -> None:
        self.builds += 1
        sizes = ", ".join(f"{p.name} {human_size(len(b))}" for p, b in check.contents.items())
        total = sum(len(b) for b in check.contents.values())
        log.info(
            "checking a new version of the data files in %s (%s in all: %s)",
            self.directory,
            human_size(total),
            sizes,
        )
        self._wait_for_abandoned()
        worker = threading.Thread(target=self._build_in_thread, args=(check,), name="data build", daemon=True)
        worker.start()
        while not check.done.wait(self.poll_s):
            if self._closed:
                return
            if signature(self.paths) != sig:
                self.superseded += 1
                self._abandoned.append(worker)
                log.warning(
                    "data files in %s changed while version %s was being checked (%.1f s in): "
                    "checking the newer files instead; that check's result is dropped",
                    self.directory,
                    check.version[:12],
                    time.monotonic() - check.started,
                )
                with self._cond:
                    self._wanted = True
                return
        took = f"checked in {check.wall_s:.1f} s ({check.cpu_s:.1f} s of CPU)"
        if check.problems:
            self._reject(check.version, check.problems, check.error, took)
            return
        self._good_digest, self._bad_digest = check.version, None
        files = {str(path.relative_to(self.directory)): data for path, data in check.contents.items()}
        self._set(Served(check.value, check.date, False, files=files, digest=check.version))  # type: ignore[arg-type]
        log.info(
            "data files in %s loaded (version %s, dated %s; %s)",
            self.directory,
            check.version[:12],
            check.date,
            took,
        )

    def _wait_for_abandoned(self) -> None:
        """Leave at most ``MAX_ABANDONED - 1`` superseded builds running before another starts."""
        self._abandoned = [t for t in self._abandoned if t.is_alive()]
        while len(self._abandoned) >= MAX_ABANDONED and not self._closed:
            self._abandoned[0].join(self.poll_s)
            self._abandoned = [t for t in self._abandoned if t.is_alive()]

    def _build_in_thread(self, check: _Check) -> None:
        cpu = time.thread_time()
        try:
            problems = check_readable(self.paths, self.required, self.max_bytes)
            if problems:
                raise DataError(problems)
            check.value = self._build(self.directory)
            check.date = self._date_of(self.directory)
        except DataError as err:
            check.problems = list(err.problems)
        except Exception as err:  # noqa: BLE001 (any failure keeps the good version; logged in full)
            check.problems = [
                Problem(str(self.directory), 0, "-", f"could not be loaded: {type(err).__name__}")
            ]
            check.error = err
        finally:
            check.cpu_s = time.thread_time() - cpu
            check.wall_s = time.monotonic() - check.started
            check.done.set()

    def _set(self, served: Served[T]) -> None:
        """Serve ``served`` from now on; ``checking`` stays as pages and this thread set it."""
        with self._cond:
            self._served = replace(served, checking=self._served.checking)
            self._cond.notify_all()

    def _reject(self, version: str, problems: list[Problem], error: BaseException | None, took: str) -> None:
        self._bad_digest = version
        keeping = self._served.value is not None
        shown = "\n".join(f"  {p}" for p in problems[:LOGGED_PROBLEMS])
        more = len(problems) - LOGGED_PROBLEMS
        log.error(
            "data files in %s failed validation (%d problem%s, the first is the cause; %s); %s\n%s%s",
            self.directory,
            len(problems),
            "" if len(problems) == 1 else "s",
            took,
            f"still serving the version dated {self._served.date}"
            if keeping
            else "no valid version to serve",
            shown,
            f"\n  ... and {more} more" if more > 0 else "",
            exc_info=error,
        )
        public = tuple(str(_without_path(p)) for p in problems)
        self._set(replace(self._served, held_back=keeping, problems=public))


def _without_path(problem: Problem) -> Problem:
    """The problem named by file name only: readers never see where the server keeps its files."""
    return Problem(Path(problem.file).name, problem.line, problem.column, problem.message)


_keepers: OrderedDict[str, LastGood[object]] = OrderedDict()
_keepers_lock = threading.Lock()
#: Data directories kept at once (a server has one; tests and previews switch between a few).
MAX_KEEPERS = 4


def _key(directory: str | os.PathLike[str]) -> str:
    return str(Path(directory).resolve())


def start(
    directory: str | os.PathLike[str],
    names: Sequence[str | os.PathLike[str]],
    build: Callable[[Path], T],
    **options: object,
) -> LastGood[T]:
    """The process-wide keeper of ``directory``, made (and its first check begun) on first use.

    Call it at process start so that the first reader finds the data checked; pages call it
    on every run and get the same keeper. Held here rather than in Streamlit's resource cache,
    which any client can clear (the ``clear_cache`` message): the last good version must
    survive that. ``names``, ``build`` and ``options`` (``LastGood``'s) count on first use only.
    """
    key = _key(directory)
    with _keepers_lock:
        found = _keepers.get(key)
        if found is None:
            found = _keepers[key] = LastGood(Path(directory), names, build, **options)  # type: ignore[arg-type]
            while len(_keepers) > MAX_KEEPERS:
                _keepers.popitem(last=False)[1].close()
        else:
            _keepers.move_to_end(key)
        return found  # type: ignore[return-value]


def status(directory: str | os.PathLike[str]) -> DataStatus:
    """Whether ``directory``'s data is being served, for readiness (and only readiness: a
    process without valid data is not broken, it waits for a valid file, so a liveness
    probe must not restart it). Not ready, and saying so, until its keeper has been started."""
    with _keepers_lock:
        found = _keepers.get(_key(directory))
    if found is None:
        return DataStatus(
            ready=False, checking=False, version=None, problem="the data files have not been loaded yet"
        )
    return found.status()
