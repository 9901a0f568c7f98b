"""The publisher register: who each cited host is, and how far a reader can trust it.

Journalists quote this dataset, so a source is shown by the outlet's name ("NRC", "Radio-Canada")
rather than a bare host, and a row is only as strong as its best source. Three small files in the
data directory hold the judgements, so that they are reviewed like data rather than buried in code:

* ``publishers.csv``: ``host,name,kind,tier,publisher,wire`` for every host the data cites
  (``publisher`` joins hosts of one publisher, ``wire`` names the agency whose copy a host
  carries, so that ``stations.data.corroboration`` counts independent outlets, not hosts);
* ``blocked_hosts.csv``: ``host,reason`` for scrapers and machine-translated copies that must
  never be cited (the page they copy is cited instead);
* ``report_evidence.csv``: ``url,wave,iso2,shows``: the pages that show which stations were in
  each Safeguard Defenders report (the report itself, or an established outlet reporting its list).

The validator (``stations.data.load``) checks the data against them; the app uses them for labels.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from stations.data.regular import read_regular_text
from stations.i18n import ENGLISH, N_, gettext

#: Tiers, strongest first. There is deliberately no "junk" tier: a copy is replaced or dropped.
TIERS: tuple[str, ...] = ("primary", "established", "reference", "weak")
TIER_LABELS: dict[str, str] = {
    "primary": N_("Primary (report author, government, parliament or court)"),
    "established": N_("Established outlet"),
    "reference": N_("Reference work"),
    "weak": N_("Weak source only"),
}
KINDS: tuple[str, ...] = ("report_author", "government_or_court", "parliament", "news", "reference", "other")
REGISTER_COLUMNS: tuple[str, ...] = ("host", "name", "kind", "tier", "publisher", "wire")
BLOCKED_COLUMNS: tuple[str, ...] = ("host", "reason")
EVIDENCE_COLUMNS: tuple[str, ...] = ("url", "wave", "iso2", "shows")
REPORT_WAVES: tuple[str, ...] = ("sep-2022", "dec-2022")

REGISTER_FILE = "publishers.csv"
BLOCKED_FILE = "blocked_hosts.csv"
EVIDENCE_FILE = "report_evidence.csv"

# Host names that are not the publisher's public address: build, preview, CDN-origin and embed
# hosts, AMP copies, and names with a trailing dot. Readers may not reach them, and they hide
# which page is the canonical one.
_NONCANONICAL_FIRST_LABELS = frozenset(
    {"staging", "iframe", "amp", "canary", "www-main", "schulung", "preview"}
)
_NONCANONICAL_SUFFIXES = (".arc-cdn.net", ".cloudfront.net", ".azureedge.net", ".pages.dev", ".herokuapp.com")


def host_of(url: str) -> str:
    """The host a reader sees, lower-case, without ``www.``; a trailing dot is kept (it is a defect)."""
    netloc = urlsplit(url.strip()).netloc.lower()
    host = netloc.rsplit("@", 1)[-1]
    if host.startswith("["):
        return host
    host = host.split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def noncanonical_reason(host: str) -> str | None:
    """Why ``host`` is not a publisher's public host name, or None if it looks canonical."""
    if host.endswith("."):
        return "has a trailing dot"
    labels = host.split(".")
    if labels[0] in _NONCANONICAL_FIRST_LABELS:
        return f"is a '{labels[0]}.' host (staging, embed, AMP or preview copy)"
    if any(label.startswith("origin") or label.endswith("-origin") for label in labels):
        return "is a CDN origin host"
    if host.endswith(_NONCANONICAL_SUFFIXES):
        return "is a CDN or free-hosting address"
    return None


@dataclass(frozen=True)
class Publisher:
    host: str
    name: str
    kind: str
    tier: str
    #: The publisher behind the host where two hosts are one publisher (e.g. two BBC hosts);
    #: empty when the host is its own publisher.
    publisher: str = ""
    #: The wire service whose copy the host's cited pages carry (e.g. "AP"); empty for own reporting.
    wire: str = ""

    @property
    def outlet(self) -> str:
        """Who stands behind the words: the wire, else the publisher, else the host."""
        return self.wire or self.publisher or self.host


@dataclass(frozen=True)
class RegisterProblem:
    """A defect in one of the register files, as ``file:line: column: message``."""

    file: str
    line: int
    column: str
    message: str


@dataclass
class Register:
    """The three register files of one data directory."""

    publishers: dict[str, Publisher] = field(default_factory=dict)
    blocked: dict[str, str] = field(default_factory=dict)
    #: (wave, url) -> set of ISO codes whose stations the page shows ("*" = the whole list).
    evidence: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    problems: list[RegisterProblem] = field(default_factory=list)

    def publisher(self, url: str) -> Publisher | None:
        return self.publishers.get(host_of(url))

    def tier(self, url: str) -> str | None:
        found = self.publisher(url)
        return found.tier if found else None

    def label(self, url: str) -> str:
        """What a reader sees for a source: the outlet's name, its tier where it is weak."""
        return label_for(url, self)

    def best_tier(self, urls: Iterable[str]) -> str | None:
        """The strongest tier among ``urls`` (None if no URL is in the register)."""
        ranks = [TIERS.index(t) for t in (self.tier(u) for u in urls) if t in TIERS]
        return TIERS[min(ranks)] if ranks else None

    def shows_in_report(self, url: str, wave: str, iso2: str) -> bool:
        codes = self.evidence.get((wave, url.strip()))
        return codes is not None and ("*" in codes or iso2 in codes)


#: A weak source's label: its outlet's name and the warning (in English in the station table,
#: which every language shares; the map says it in the reader's words: ``map.words.source_words``).
WEAK_SOURCE = N_("{name} (weak source)")


def weak_source_name(label: str) -> str | None:
    """The outlet's name in a weak source's label (``WEAK_SOURCE``); None for another label."""
    before, _, after = WEAK_SOURCE.partition("{name}")
    if len(label) > len(before) + len(after) and label.startswith(before) and label.endswith(after):
        return label[len(before) : len(label) - len(after)]
    return None


def label_in(label: str, lang: str) -> str:
    """A source's label as a page in ``lang`` shows it: a weak source's warning in ``lang``, the
    outlet's name as published."""
    name = weak_source_name(label)
    return label if name is None or lang == ENGLISH else gettext(WEAK_SOURCE, lang).format(name=name)


def source_labels(frame: Any) -> list[str]:
    """Every source label of the rows of ``frame`` (``annotate``'s), each once, in order."""
    if LABELS_COLUMN not in frame:
        return []
    seen: dict[str, None] = {}
    for labels in frame[LABELS_COLUMN].tolist():
        seen.update(dict.fromkeys(str(labels).split(LABEL_SEPARATOR) if labels else ()))
    return list(seen)


def label_for(url: str, register: Register | None) -> str:
    """The display text for a source URL; the bare host when the register does not know it."""
    found = register.publisher(url) if register is not None else None
    if found is None:
        return host_of(url) or url
    if found.tier == "weak":
        return WEAK_SOURCE.format(name=found.name)
    return found.name


def split_sources(text: str) -> list[str]:
    """The URLs of a ``sources`` cell, in order."""
    return [u.strip() for u in str(text).split(" | ") if u.strip()]


def labelled_sources(text: str, register: Register | None) -> list[tuple[str, str]]:
    """``[(url, label), ...]`` for a ``sources`` cell."""
    return [(u, label_for(u, register)) for u in split_sources(text)]


def best_tier_of(text: str, register: Register | None) -> str:
    """The best tier of a ``sources`` cell, or "" if unknown."""
    if register is None:
        return ""
    return register.best_tier(split_sources(text)) or ""


def _read(
    path: Path, columns: Sequence[str]
) -> tuple[list[tuple[int, dict[str, str]]], list[RegisterProblem]]:
    name = path.name
    problems: list[RegisterProblem] = []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        text = read_regular_text(path)
    except (OSError, UnicodeDecodeError) as err:
        return [], [RegisterProblem(name, 0, "-", f"cannot read: {err}")]
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != list(columns):
        return [], [RegisterProblem(name, 1, "header", "expected columns: " + ",".join(columns))]
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(columns):
            problems.append(
                RegisterProblem(name, line, "-", f"expected {len(columns)} fields, found {len(record)}")
            )
            continue
        rows.append((line, {c: v.strip() for c, v in zip(columns, record, strict=True)}))
    return rows, problems


def load_register(directory: str | Path) -> Register | None:
    """The register of a data directory, or None when it has no ``publishers.csv``.

    Problems in the files themselves are collected in ``Register.problems`` (the validator
    reports them with their file and line) rather than raised.
    """
    directory = Path(directory)
    path = directory / REGISTER_FILE
    if not path.exists():
        return None
    register = Register()
    rows, problems = _read(path, REGISTER_COLUMNS)
    register.problems += problems
    for line, row in rows:
        host = row["host"].lower()
        bad = []
        if not host or host != host_of(f"https://{host}/"):
            bad.append(("host", f"'{row['host']}' is not a bare host name (lower case, no www., no path)"))
        reason = noncanonical_reason(host)
        if reason:
            bad.append(("host", f"'{host}' {reason}: register the publisher's public host"))
        if row["tier"] not in TIERS:
            bad.append(("tier", f"'{row['tier']}': unknown tier; allowed: {', '.join(TIERS)}"))
        if row["kind"] not in KINDS:
            bad.append(("kind", f"'{row['kind']}': unknown kind; allowed: {', '.join(KINDS)}"))
        if not row["name"] or "|" in row["name"]:
            bad.append(("name", "must not be empty or contain '|'"))
        for column in ("publisher", "wire"):
            if "|" in row[column]:
                bad.append((column, "must not contain '|'"))
        if host in register.publishers:
            bad.append(("host", f"'{host}': duplicate host"))
        register.problems += [RegisterProblem(REGISTER_FILE, line, c, m) for c, m in bad]
        if not bad:
            register.publishers[host] = Publisher(
                host, row["name"], row["kind"], row["tier"], row["publisher"], row["wire"]
            )
    blocked_path = directory / BLOCKED_FILE
    if blocked_path.exists():
        rows, problems = _read(blocked_path, BLOCKED_COLUMNS)
        register.problems += problems
        for line, row in rows:
            host = row["host"].lower()
            register.blocked[host] = row["reason"]
            if host in register.publishers:
                register.problems.append(
                    RegisterProblem(
                        BLOCKED_FILE,
                        line,
                        "host",
                        f"'{host}' is blocked and also registered in {REGISTER_FILE}",
                    )
                )
    evidence_path = directory / EVIDENCE_FILE
    if evidence_path.exists():
        rows, problems = _read(evidence_path, EVIDENCE_COLUMNS)
        register.problems += problems
        for line, row in rows:
            if row["wave"] not in REPORT_WAVES:
                register.problems.append(
                    RegisterProblem(
                        EVIDENCE_FILE,
                        line,
                        "wave",
                        f"'{row['wave']}': must be one of {', '.join(REPORT_WAVES)}",
                    )
                )
                continue
            codes = frozenset(row["iso2"].split())
            if not codes or not all(c == "*" or re.fullmatch(r"[A-Z]{2}", c) for c in codes):
                register.problems.append(
                    RegisterProblem(
                        EVIDENCE_FILE, line, "iso2", "ISO codes separated by spaces, or * for the whole list"
                    )
                )
                continue
            tier = register.tier(row["url"])
            if tier not in ("primary", "established"):
                register.problems.append(
                    RegisterProblem(
                        EVIDENCE_FILE,
                        line,
                        "url",
                        "report evidence must be the report's author or an established outlet "
                        f"(publishers.csv tier primary or established; '{host_of(row['url'])}' is {tier or 'not registered'})",
                    )
                )
                continue
            key = (row["wave"], row["url"])
            register.evidence[key] = register.evidence.get(key, frozenset()) | codes
    return register


#: Columns the app adds to a loaded frame (never stored in the data files).
LABELS_COLUMN = "source_labels"
TIER_COLUMN = "best_tier"
#: The extra column of outlet names in downloads; the loader accepts and ignores it.
OUTLETS_COLUMN = "source_outlets"
LABEL_SEPARATOR = " | "


def annotate(frame: Any, register: Register | None) -> Any:
    """``frame`` with each row's source labels and best tier, computed once per data version."""
    sources = frame["sources"].tolist()
    labels = [LABEL_SEPARATOR.join(label for _, label in labelled_sources(s, register)) for s in sources]
    tiers = [best_tier_of(s, register) for s in sources]
    return frame.assign(**{LABELS_COLUMN: labels, TIER_COLUMN: tiers})


def source_pairs(frame: Any) -> list[list[tuple[str, str]]]:
    """``[(url, label), ...]`` per row: the labels ``annotate`` added, else the bare hosts."""
    sources = frame["sources"].tolist()
    if LABELS_COLUMN not in frame:
        return [labelled_sources(s, None) for s in sources]
    pairs = []
    for text, labels in zip(sources, frame[LABELS_COLUMN].tolist(), strict=True):
        urls = split_sources(text)
        names = str(labels).split(LABEL_SEPARATOR) if labels else []
        if len(names) != len(urls):
            names = [label_for(u, None) for u in urls]
        pairs.append(list(zip(urls, names, strict=True)))
    return pairs
