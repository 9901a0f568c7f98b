"""Reading the data files without ever waiting on one: only regular files are read.

A FIFO or a device put in a data file's place (a bad deploy, a mistaken ``mkfifo``) would make a
plain ``open`` wait for a writer that never comes, hanging the server's check of its files,
``python -m stations validate`` and the published map's build alike. Each file is opened
non-blocking and checked with ``fstat`` on the open descriptor, so a swap between a check and
the read cannot fool it; anything but a regular file is an ``OSError`` ("not a regular file").
"""

from __future__ import annotations

import errno
import os
import stat


def human_size(n: int) -> str:
    """A byte count as a reader of a log line wants it: ``2.8 MB``, ``56 KB``, ``120 B``."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.0f} KB"
    return f"{n} B"


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The file's bytes; ``OSError`` if it is missing, unreadable, not a regular file, or
    (``EFBIG``) longer than ``limit`` bytes. A file still growing past ``limit`` while it is
    read is cut short, not read to the end."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "not a regular file")
        chunks = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            total += len(chunk)
            if limit is not None and total > limit:
                raise OSError(errno.EFBIG, f"over the size limit of {human_size(limit)}")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_regular_text(path: str | os.PathLike[str]) -> str:
    """The file as UTF-8 text with its line ends made ``\\n``, as ``Path.read_text`` gives it;
    ``OSError`` as :func:`read_regular`, ``UnicodeDecodeError`` if it is not UTF-8."""
    text = read_regular(path).decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")
