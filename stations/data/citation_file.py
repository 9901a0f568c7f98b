"""CITATION.cff kept at the data version: written by ``python -m stations bump-version``.

GitHub's "Cite this repository", Zenodo and reference managers read ``CITATION.cff``; a citation
of this dataset must name the version it used and its date, so the bump that records a new data
version writes the same version and date there. The file is edited line by line (its comments
and order stay as written): only ``version``, ``date-released`` and ``url`` are set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from stations import settings
from stations.atomic import atomic_write_text

FILE = "CITATION.cff"
#: Top-level keys this module writes, in the order they are added when missing (after ``title``).
KEYS = ("version", "date-released", "url")


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def update(path: str | os.PathLike[str], version: str, date: str, url: str | None = None) -> str:
    """Set the version, the release date and (when given) the URL in the file at ``path``;
    return the new text. ``url`` is the dashboard's public address: without one the file keeps
    whatever URL it has (none is guessed)."""
    text = Path(path).read_text(encoding="utf-8")
    values = {"version": _quoted(version), "date-released": _quoted(date)}
    if url:
        values["url"] = _quoted(url)
    title = re.search(r"^title:.*$", text, re.M)
    at = title.end() if title else len(text.rstrip("\n"))  # where missing keys go, in order
    for key, value in values.items():
        line = f"{key}: {value}"
        pattern = re.compile(rf"^{re.escape(key)}:.*$", re.M)
        if pattern.search(text):
            text = pattern.sub(lambda _m, line=line: line, text, count=1)
        else:
            text = f"{text[:at]}\n{line}{text[at:]}"
            at += len(line) + 1
    atomic_write_text(Path(path), text)
    return text


def public_url(env: dict[str, str] | None = None) -> str | None:
    """The dashboard's public address, if the deployment names one (``STATIONS_PUBLIC_URL``)."""
    value = settings.PUBLIC_URL.read(env)
    return value if value.startswith(("http://", "https://")) else None
