"""The font an exported image draws its words with, in the reader's language, if the server has it.

The server draws two images: the map (``stations.map.image``, matplotlib) and the timeline
(``stations.view.chart_image``, vl-convert). English needs no font beyond the libraries' own.
Chinese needs Noto Sans CJK (Debian's ``fonts-noto-cjk``): its Simplified (SC) and Traditional
(TC) families hold the same characters in the forms each script's readers expect (骨, 直, 次
differ). Where the family is not installed, an image is drawn in English rather than as a row
of empty boxes, and the page says so; that is logged once per family.

The lookup goes through matplotlib's font manager, which lists the system's fonts (fontconfig's
``fc-list`` and the usual directories) in a cache written the first time matplotlib is imported
and not refreshed when a font is installed later: when the family is not in that list, the
system's Noto Sans CJK files are added to it. vl-convert reads the same system directories
itself (and draws no text at all for a family it does not know, which the tests check).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from stations.i18n import ENGLISH, SIMPLIFIED, TRADITIONAL

#: The family that draws each language other than English.
FAMILIES: dict[str, str] = {SIMPLIFIED: "Noto Sans CJK SC", TRADITIONAL: "Noto Sans CJK TC"}
#: How the files of those families are named (NotoSansCJK-Regular.ttc, NotoSansCJKsc-Bold.otf).
FILE_PREFIX = "notosanscjk"
#: The Debian package that installs them.
PACKAGE = "fonts-noto-cjk"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Face:
    """A regular face of a family: its file and its index in the file (a .ttc holds many)."""

    family: str
    path: str
    index: int


#: What :func:`face` found for each family, once per process (None: not installed).
_found: dict[str, Face | None] = {}
_lock = threading.Lock()


def _listed(family: str) -> Face | None:
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if entry.name == family and entry.weight in (400, "normal", "regular"):
            return Face(family, entry.fname, getattr(entry, "index", 0))
    return None


def _add_system_files() -> None:
    """Adds the system's Noto Sans CJK files to matplotlib's list (its cache may predate them)."""
    from matplotlib import font_manager

    listed = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        if Path(path).name.lower().startswith(FILE_PREFIX) and path not in listed:
            font_manager.fontManager.addfont(path)


def face(family: str) -> Face | None:
    """``family``'s regular face as matplotlib finds it, or None when it is not installed;
    looked up once per process."""
    with _lock:
        if family not in _found:
            found = _listed(family)
            if found is None:
                _add_system_files()
                found = _listed(family)
            if found is None:
                _log.warning(
                    "Font %r is not installed (Debian package %s): exported images are drawn "
                    "in English instead",
                    family,
                    PACKAGE,
                )
            _found[family] = found
        return _found[family]


def family(lang: str) -> str | None:
    """The family that draws ``lang`` (None for English: the libraries' own font)."""
    return FAMILIES.get(lang)


def image_language(lang: str) -> str:
    """The language an exported image for a reader of ``lang`` is drawn in: ``lang`` when its
    font is installed, else English."""
    wanted = family(lang)
    if wanted is None or face(wanted) is not None:
        return lang
    return ENGLISH
