"""The page's own stylesheets and scripts under ``static/``, read once per process.

CSS and JavaScript live in files, where they are read, linted and diffed as what they are; the
few values they share with Python (a width, a height, a container's key) are written in them as
``__NAME__`` and filled in here.
"""

from __future__ import annotations

import re
from functools import cache

from stations.map import assets

_UNFILLED = re.compile(r"__[A-Z][A-Z0-9_]*__")


@cache
def read(path: str) -> str:
    """The text of ``static/<path>``."""
    return (assets.STATIC_DIR / path).read_text(encoding="utf-8")


@cache
def _filled(path: str, values: tuple[tuple[str, str], ...]) -> str:
    text = read(path)
    for name, value in values:
        text = text.replace(f"__{name}__", value)
    left = _UNFILLED.findall(text)
    if left:
        raise ValueError(f"static/{path}: no value for {', '.join(sorted(set(left)))}")
    return text


def filled(path: str, **values: object) -> str:
    """``static/<path>`` with each ``__NAME__`` replaced by ``values[NAME]``; a name left
    without a value is an error, not a broken stylesheet."""
    return _filled(path, tuple(sorted((k, str(v)) for k, v in values.items())))
