"""How the dataset is named, cited, licensed, downloaded, embedded and corrected.

Text and links only, built without Streamlit, so that each piece can be tested on its own and a
page merely lays them out. A journalist needs four things to use a figure from the dashboard:
the exact view (a full link), the data version and its date, the licence, and a sentence to
paste; readers who spot an error need a way to say so that reaches the editors with the row id.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

DATASET_TITLE = "110 Overseas: China's reported overseas police stations"
#: The prefix of every downloaded file name.
SHORT_NAME = "110-overseas"
#: Who is credited: the project as a whole (each row credits its own sources).
AUTHOR = "110 Overseas station tracker contributors"
COMPILED_FROM = (
    'Compiled from Safeguard Defenders, "110 Overseas" (September 2022) and "Patrol and Persuade" '
    "(December 2022), and from later government and press reports; each row lists its own sources."
)


@dataclass(frozen=True)
class Licence:
    """A licence as the data package and the pages name it (SPDX id, title, canonical URL)."""

    spdx: str
    title: str
    url: str
    short: str


DATA_LICENCE = Licence(
    spdx="CC-BY-4.0",
    title="Creative Commons Attribution 4.0 International",
    url="https://creativecommons.org/licenses/by/4.0/",
    short="CC BY 4.0",
)
CODE_LICENCE = Licence(
    spdx="MIT",
    title="MIT License",
    url="https://opensource.org/license/mit",
    short="MIT",
)

#: Where the project's code, issues and corrections live. There is no default: a deployment
#: names its own public repository with the environment variable below, and until it does, no
#: correction link is offered (a guessed address could be claimed by someone else, and readers'
#: reports would reach them). CITATION.cff names the same value, which a test checks.
DEFAULT_REPOSITORY = ""
REPOSITORY_ENV = "STATIONS_REPOSITORY_URL"
#: The dashboard's public address, for deployments behind a proxy that the browser's own
#: address would not reveal correctly; otherwise the address the reader is using is taken.
PUBLIC_URL_ENV = "STATIONS_PUBLIC_URL"
#: The issue form that "Suggest a correction" opens (.github/ISSUE_TEMPLATE/ of the repository).
CORRECTION_TEMPLATE = "correction.yml"

#: The filters that decide a download's rows, in file-name order (a selected station does not
#: change the rows, so it is not part of the name), and the most values of one spelled out.
NAME_KEYS = ("country", "bureau", "wave", "action")
MAX_NAMED_VALUES = 4
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def repository_url(env: Mapping[str, str] | None = None) -> str:
    """The repository to send corrections to: ``STATIONS_REPOSITORY_URL`` or the default
    (empty: then no correction link is shown)."""
    env = os.environ if env is None else env
    return (env.get(REPOSITORY_ENV) or DEFAULT_REPOSITORY).strip().rstrip("/")


#: The address paths of the pages other than the map (from their files in pages/).
PAGE_PATHS = ("Government_responses", "Data_and_sources")


def public_base(browser_url: str | None, env: Mapping[str, str] | None = None) -> str:
    """The app's base address: ``STATIONS_PUBLIC_URL`` if set, else the browser's without the
    page's own path, else empty (then links stay relative, still correct on the page itself)."""
    env = os.environ if env is None else env
    base = (env.get(PUBLIC_URL_ENV) or browser_url or "").strip()
    base = base.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for page in PAGE_PATHS:
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


def citation(url: str, version: str | None, date: str | None, accessed: dt.date) -> Citation:
    """The citation of one view of one data version, as a reader would paste it."""
    version = version or "unversioned"
    date = date or "unknown"
    year = date[:4] if date[:4].isdigit() else str(accessed.year)
    text = (
        f"{AUTHOR} ({year}). {DATASET_TITLE} [Data set], version {version} (data of {date}). "
        f"Licence: {DATA_LICENCE.short}. {url} (accessed {accessed.isoformat()}). {COMPILED_FROM}"
    )
    return Citation(DATASET_TITLE, url, version, date, DATA_LICENCE, text)


def _name_values(key: str, value: str) -> str:
    values = [v for v in (_UNSAFE.sub("-", piece).strip("-")[:40] for piece in value.split(",")) if v]
    if len(values) > MAX_NAMED_VALUES:
        extra = len(values) - (MAX_NAMED_VALUES - 1)
        values = [*values[: MAX_NAMED_VALUES - 1], f"and-{extra}-more"]
    return f"{key}-{'-'.join(values)}" if values else ""


def download_name(kind: str, params: Mapping[str, str], version: str | None, ext: str) -> str:
    """A file name that says what the file holds: the table, the view, the data version.

    ``110-overseas_stations_country-IT-NL_v2026-11-27.csv``: parts joined by ``_`` (values inside
    a part by ``-``), only letters, digits and those two marks, so that every file system and
    mail client keeps it as it is. Parameters other than the view's are ignored.
    """
    parts = [SHORT_NAME, _UNSAFE.sub("-", kind).strip("-")]
    for key in NAME_KEYS:
        value = params.get(key)
        if value:
            part = _name_values(key, value)
            if part:
                parts.append(part)
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
