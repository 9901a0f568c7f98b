"""The credit line every exported image carries, drawn in it and written in its metadata.

An editor who drops an image into an article must not have to add the credit by hand, and a
file that travels on its own must still say where it comes from: the sources, the data version,
the licence and the link to the exact view. Plain Python (Pillow for the PNG text chunks): no
Streamlit, so the static publisher's preview images can use it too.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PIL import Image, PngImagePlugin

from stations.data import credits
from stations.i18n import ENGLISH, N_, gettext, translations
from stations.view import citation

#: Who the rows come from (an exported image's author, with the project).
SOURCED_FROM = N_("Safeguard Defenders' reports and the outlets each row cites")
SOURCES = f"Sources: {SOURCED_FROM}"
PROJECT = "110 Overseas station tracker"
#: The PNG text keys (the PNG specification's registered keywords, read by image viewers and
#: by Pillow's ``Image.text``).
CREDIT_KEY = "Credit"


@dataclass(frozen=True)
class Credit:
    """Who and what an exported image credits: the data version (or its date) and the view."""

    version: str | None
    date: str | None
    link: str

    @property
    def data_version(self) -> str:
        if self.version:
            return f"data version {self.version}"
        return f"data of {self.date}" if self.date else "data version unknown"

    def lines(self, lang: str = ENGLISH) -> tuple[str, str]:
        """Two lines to draw under an image, in ``lang``: sources, version and licence; then
        the link."""
        sources, project, *view = self.short_lines(lang)
        return f"{sources}{' ' if lang == ENGLISH else ''}{project}", view[0] if view else ""

    def short_lines(self, lang: str = ENGLISH) -> list[str]:
        """The credit in lines short enough for a phone-wide chart (none cut short), in ``lang``."""
        if lang == ENGLISH:
            return [
                f"{SOURCES}.",
                f"{PROJECT}, {self.data_version}, licence {citation.DATA_LICENCE.short}.",
                *([f"View: {self.link}"] if self.link else []),
            ]
        _ = translations(lang).gettext
        if self.version:
            version = _("data version {version}").format(version=self.version)
        elif self.date:
            version = _("data of {date}").format(date=self.date)
        else:
            version = _("data version unknown")
        return [
            _("Sources: Safeguard Defenders' reports and the outlets each row cites."),
            _("110 Overseas station tracker, {version}, licence {licence}.").format(
                version=version, licence=citation.DATA_LICENCE.short
            ),
            *([_("View: {link}").format(link=self.link)] if self.link else []),
        ]

    def text(self, lang: str = ENGLISH) -> str:
        """The credit as one line of plain text, in ``lang``."""
        first, second = self.lines(lang)
        return f"{first} {second}".strip()

    def png_metadata(self, title: str, lang: str = ENGLISH) -> dict[str, str]:
        """PNG text chunks: the registered keywords (Title, Author, Copyright, Source,
        Description) and the credit itself, in ``lang`` (the image's language)."""
        # TRANSLATORS: an exported image's author: the project, then who the rows come from.
        author = gettext("{author}; {sources}", lang).format(
            author=gettext(citation.AUTHOR, lang), sources=gettext(SOURCED_FROM, lang)
        )
        return {
            "Title": title,
            "Author": author,
            "Copyright": f"{citation.DATA_LICENCE.short} ({citation.DATA_LICENCE.url})",
            "Source": self.link,
            "Description": self.text(lang),
            CREDIT_KEY: self.text(lang),
        }


def stamp_png(png: bytes, metadata: Mapping[str, str]) -> bytes:
    """The same image with ``metadata`` as PNG text chunks (international text: any Unicode)."""
    image = Image.open(io.BytesIO(png))
    info = PngImagePlugin.PngInfo()
    for key, value in metadata.items():
        info.add_itxt(key, value)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, optimize=False)
    return out.getvalue()


def png_text(png: bytes) -> dict[str, Any]:
    """The text chunks of a PNG (what a reader's image viewer shows as its properties)."""
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return dict(getattr(image, "text", {}))


def provenance(credit: Credit, accessed: dt.date | None = None) -> dict[str, Any]:
    """What a downloaded file says of itself: title, licence, data version, the link to the
    view it holds, the citation to paste, and where the rows come from."""
    accessed = accessed or dt.datetime.now(dt.UTC).date()
    cite = citation.citation(credit.link, credit.version, credit.date, accessed)
    return {
        "title": citation.DATASET_TITLE,
        "description": credits.CAVEAT,
        "license": {
            "name": citation.DATA_LICENCE.spdx,
            "title": citation.DATA_LICENCE.title,
            "url": citation.DATA_LICENCE.url,
        },
        "data_version": cite.version,
        "data_date": cite.date,
        "view": credit.link,
        "citation": cite.text,
        "sources": f"{SOURCES}: see each feature's sources and source_outlets.",
        "credit": credit.text(),
    }
