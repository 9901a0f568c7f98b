"""How the dataset is named, cited, licensed, downloaded, embedded and corrected.

Text and links only, built without Streamlit, so that each piece can be tested on its own and a
page merely lays them out. A journalist needs four things to use a figure from the dashboard:
the exact view (a full link), the data version and its date, the licence, and a sentence to
paste; readers who spot an error need a way to say so that reaches the editors with the row id.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from stations import settings
from stations.data.credits import (
    AUTHOR,
    CODE_LICENCE,
    COMPILED_FROM,
    DATA_LICENCE,
    DATASET_TITLE,
    DEFAULT_REPOSITORY,
    SHORT_NAME,
    Licence,
)
from stations.i18n import ENGLISH, N_, translations
from stations.view import facets
from stations.view.filters import Filters

__all__ = ["AUTHOR", "CODE_LICENCE", "DATA_LICENCE", "DATASET_TITLE", "DEFAULT_REPOSITORY", "Licence"]

#: The variables that name the repository and the public address (``stations.settings``).
REPOSITORY_ENV = settings.REPOSITORY_URL.name
PUBLIC_URL_ENV = settings.PUBLIC_URL.name
#: The issue form that "Suggest a correction" opens (.github/ISSUE_TEMPLATE/ of the repository).
CORRECTION_TEMPLATE = "correction.yml"

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def repository_url(env: Mapping[str, str] | None = None) -> str:
    """The repository to send corrections to: ``STATIONS_REPOSITORY_URL`` or the default
    (empty: then no correction link is shown)."""
    return (settings.REPOSITORY_URL.read(env) or DEFAULT_REPOSITORY).rstrip("/")


def public_base(
    browser_url: str | None, page_paths: Iterable[str], env: Mapping[str, str] | None = None
) -> str:
    """The app's base address: ``STATIONS_PUBLIC_URL`` if set, else the browser's without the
    page's own path (one of ``page_paths``, the pages' address segments: ``stations.web.nav``),
    else empty (then links stay relative, still correct on the page itself)."""
    base = settings.PUBLIC_URL.read(env) or (browser_url or "").strip()
    base = base.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for page in filter(None, page_paths):
        if base.endswith("/" + page):
            return base.removesuffix("/" + page)
    return base


@dataclass(frozen=True)
class Citation:
    """What the "Cite this" box shows, each part on its own line."""

    title: str
    url: str
    version: str
    date: str
    licence: Licence
    text: str


#: What a citation says when the data package records no version or no date.
UNVERSIONED = N_("unversioned")
UNKNOWN_DATE = N_("unknown")


def citation(
    url: str, version: str | None, date: str | None, accessed: dt.date, lang: str = ENGLISH
) -> Citation:
    """The citation of one view of one data version, as a reader of ``lang`` would paste it
    (the title as that reader sees it on the page; URL, version and dates as they are)."""
    _ = translations(lang).gettext
    version = version or _(UNVERSIONED)
    date = date if date and date != UNKNOWN_DATE else _(UNKNOWN_DATE)
    year = date[:4] if date[:4].isdigit() else str(accessed.year)
    title = _(DATASET_TITLE)
    text = _(
        "{author} ({year}). {title} [Data set], version {version} (data of {date}). "
        "Licence: {licence}. {url} (accessed {accessed}). {compiled_from}"
    ).format(
        author=_(AUTHOR),
        year=year,
        title=title,
        version=version,
        date=date,
        licence=DATA_LICENCE.short,
        url=url,
        accessed=accessed.isoformat(),
        compiled_from=_(COMPILED_FROM),
    )
    return Citation(title, url, version, date, DATA_LICENCE, text)


def download_name(kind: str, filters: Filters, version: str | None, ext: str) -> str:
    """A file name that says what the file holds: the table, the view, the data version.

    ``110-overseas_stations_country-IT-NL_v2026-11-27.csv``: parts joined by ``_`` (values inside
    a part by ``-``; each filter's part is ``Facet.name_part``, in the facets' order), only
    letters, digits and those two marks, so that every file system and mail client keeps it as
    it is. A selected station does not change the rows, so it is not part of the name.
    """
    parts = [SHORT_NAME, _UNSAFE.sub("-", kind).strip("-")]
    parts += [facet.name_part(getattr(filters, facet.key)) for facet in facets.FACETS]
    if version:
        parts.append("v" + _UNSAFE.sub("-", version).strip("-"))
    return "_".join(p for p in parts if p) + "." + ext.lstrip(".")


def correction_url(repository: str, kind: str, row_id: str, link: str) -> str:
    """A new-issue link that opens the correction form prefilled with the row and the view.

    The field names (``row_id``, ``link``) are the ids of the form's inputs; the claim and its
    source are left for the reader to fill in.
    """
    query = urlencode(
        {
            "template": CORRECTION_TEMPLATE,
            "labels": "correction",
            "title": f"Correction to {kind} {row_id}",
            "row_id": row_id,
            "link": link,
        }
    )
    return f"{repository.rstrip('/')}/issues/new?{query}"


def embed_url(url: str) -> str:
    """The same view in the embed layout (``embed=true``, Streamlit's own switch)."""
    base, _, fragment = url.partition("#")
    joiner = "&" if "?" in base else "?"
    if "embed=true" not in base.split("?", 1)[-1].split("&"):
        base = f"{base}{joiner}embed=true"
    return base + (f"#{fragment}" if fragment else "")


def embed_snippet(url: str, title: str = DATASET_TITLE, height: int = 600) -> str:
    """The iframe an article pastes to show the view: a meaningful title for screen readers,
    full width, lazy loading; every attribute escaped."""
    return (
        f'<iframe src="{html.escape(embed_url(url), quote=True)}" title="{html.escape(title, quote=True)}" '
        f'width="100%" height="{int(height)}" style="border:0" loading="lazy" allowfullscreen></iframe>'
    )
