"""data/datapackage.json: what the data files are, their schema, and the data version.

The package is generated, never edited by hand: its fields, enums and keys come from
``stations.data.vocab`` and ``stations.data.schema``, and each file's size and SHA-256 are recorded next to
the version and date. So the validator can say, without git, whether the files are still the
version the package names: a change to a data file without ``python -m stations bump-version``
fails with a message saying which file and what to run. The app reads the version and date of
the data from here (a deployed image has no ``.git``). The Frictionless tools read the same file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stations.atomic import atomic_write_text
from stations.data import credits, names_zh, publishers, schema, vocab
from stations.data.load import Problem
from stations.data.reconcile import REPORT_SOURCES, REPORTED, UNIDENTIFIED_BUREAUS
from stations.data.regular import read_regular, read_regular_text

PACKAGE_FILE = "datapackage.json"
BUMP_COMMAND = "python -m stations bump-version"
PACKAGE_NAME = "110-overseas-stations"
_SOURCES = r"^https?://\S+( \| https?://\S+)*$"

#: The files the package describes, in order: (resource name, file, title).
RESOURCES: tuple[tuple[str, str, str], ...] = (
    ("stations", "stations.csv", "Reported overseas police stations"),
    ("responses", "responses.csv", "Dated actions of host governments"),
    ("unidentified", "unidentified.csv", "Stations the reports counted that no public source identifies"),
    ("publishers", publishers.REGISTER_FILE, "The publisher register: each cited host, its outlet and tier"),
    ("blocked_hosts", publishers.BLOCKED_FILE, "Scraper and copy sites that must never be cited"),
    ("report_evidence", publishers.EVIDENCE_FILE, "Pages that show which stations were in each report"),
    ("places_zh", names_zh.PLACES_FILE, "Chinese names of the station cities, with their sources"),
)
#: Files without which there is no dataset; the others are described when present.
REQUIRED = ("stations.csv", "responses.csv")


def _field(name: str, type_: str, description: str, **constraints: Any) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if type_ == "boolean":
        field.update(trueValues=["true"], falseValues=["false"])
    if constraints:
        field["constraints"] = constraints
    return field


def _enum(values: tuple[str, ...] | list[str]) -> list[str]:
    return list(values)


def _sources_field() -> dict[str, Any]:
    """The ``sources`` column, as every sourced table has it."""
    return _field(
        "sources",
        "string",
        "One or more http(s) URLs separated by ' | '.",
        required=True,
        pattern=_SOURCES,
    )


def _provenance_fields(notes: str) -> list[dict[str, Any]]:
    """The sources, confidence and notes columns that end every sourced table (one definition)."""
    return [
        _sources_field(),
        _field(
            "confidence",
            "string",
            "How well the row is sourced.",
            required=True,
            enum=_enum(vocab.CONFIDENCES),
        ),
        _field("notes", "string", notes),
    ]


def _station_fields() -> list[dict[str, Any]]:
    return [
        _field(
            "station_id",
            "string",
            "Stable identifier: ISO2, city, number (NL-rotterdam-1); never reused.",
            required=True,
            unique=True,
            pattern=schema.STATION_ID,
        ),
        _field("country", "string", "Host country, one English spelling per ISO code.", required=True),
        _field(
            "iso2",
            "string",
            "ISO 3166-1 alpha-2 code of the host country.",
            required=True,
            pattern="^[A-Z]{2}$",
        ),
        _field("city", "string", "City as commonly written in English; empty when not published."),
        _field("city_zh", "string", "Chinese name of the city, where a source gives it."),
        _field("address", "string", "Street address as published; always empty for a private residence."),
        _field(
            "private_residence",
            "boolean",
            "Whether a source says the station ran from a private home.",
            required=True,
        ),
        _field(
            "bureau",
            "string",
            "Chinese public security bureau said to run the station.",
            required=True,
            enum=_enum(vocab.BUREAUS),
        ),
        _field("bureau_district", "string", "Sub-unit of the bureau, where a source names it."),
        _field("bureau_province", "string", "Province of the bureau; empty for Unknown."),
        _field(
            "wave", "string", "When the station was first reported.", required=True, enum=_enum(vocab.WAVES)
        ),
        _field("host_organisation", "string", "Association or business that hosted the station."),
        _field("host_organisation_zh", "string", "Its Chinese name, where published."),
        _field(
            "opened",
            "string",
            "Date opened, as YYYY, YYYY-MM or YYYY-MM-DD (as precise as a source).",
            pattern=schema.PARTIAL_DATE,
        ),
        _field("status", "string", "Latest known status.", required=True, enum=_enum(vocab.STATUSES)),
        _field(
            "lat",
            "number",
            "Latitude of the map point (decimal degrees, WGS 84).",
            required=True,
            minimum=-90,
            maximum=90,
        ),
        _field(
            "lon",
            "number",
            "Longitude of the map point (decimal degrees, WGS 84).",
            required=True,
            minimum=-180,
            maximum=180,
        ),
        _field(
            "geo_precision",
            "string",
            "How precise the map point is.",
            required=True,
            enum=_enum(vocab.GEO_PRECISIONS),
        ),
        _field(
            "geo_source",
            "string",
            "Where the map point came from.",
            required=True,
            enum=_enum(vocab.GEO_SOURCES),
        ),
        *_provenance_fields("Plain-text remarks; inferences are prefixed INFERENCE:."),
    ]


def _response_fields() -> list[dict[str, Any]]:
    return [
        _field(
            "response_id",
            "string",
            "Stable identifier R + three or more digits; never reused.",
            required=True,
            unique=True,
            pattern=schema.RESPONSE_ID,
        ),
        _field("country", "string", "Host country, spelled as in stations.csv.", required=True),
        _field(
            "iso2",
            "string",
            "ISO 3166-1 alpha-2 code; the host of at least one station.",
            required=True,
            pattern="^[A-Z]{2}$",
        ),
        _field(
            "date",
            "string",
            "Date of the act, YYYY, YYYY-MM or YYYY-MM-DD: a day is never invented.",
            required=True,
            pattern=schema.PARTIAL_DATE,
        ),
        _field("actor", "string", "The host-state organ that acted.", required=True),
        _field(
            "action_type",
            "string",
            "Kind of act, strongest first in the enum's order.",
            required=True,
            enum=_enum(vocab.ACTION_TYPES),
        ),
        _field(
            "summary", "string", "One or two plain-text sentences in the project's own words.", required=True
        ),
        *_provenance_fields("Plain-text caveats; inferences are prefixed INFERENCE:."),
    ]


def _unidentified_fields() -> list[dict[str, Any]]:
    return [
        _field(
            "wave",
            "string",
            "The report whose count these stations belong to.",
            required=True,
            enum=_enum(list(REPORTED)),
        ),
        _field(
            "stations",
            "integer",
            "Stations of that report that no public source identifies.",
            required=True,
            minimum=0,
        ),
        _field(
            "new_countries",
            "integer",
            "Countries among them not otherwise in the data.",
            required=True,
            minimum=0,
        ),
        _field(
            "bureau",
            "string",
            "The bureau of these stations, where the report's counts tell it; empty when not known.",
            enum=_enum(UNIDENTIFIED_BUREAUS),
        ),
        _field("what_is_known", "string", "What is known of them, inferences marked.", required=True),
        _sources_field(),
    ]


def _register_fields() -> list[dict[str, Any]]:
    return [
        _field("host", "string", "Host name as cited, lower case, without www.", required=True, unique=True),
        _field("name", "string", "The outlet's or body's name, as readers know it.", required=True),
        _field(
            "kind", "string", "What kind of publisher it is.", required=True, enum=_enum(publishers.KINDS)
        ),
        _field(
            "tier",
            "string",
            "How far a reader can trust it, strongest first.",
            required=True,
            enum=_enum(publishers.TIERS),
        ),
        _field(
            "publisher",
            "string",
            "The publisher behind the host where two hosts are one publisher (e.g. two BBC hosts); "
            "empty when the host is its own publisher.",
        ),
        _field(
            "wire",
            "string",
            "The wire service whose copy the host's cited pages carry (e.g. AP, Reuters); empty for "
            "own reporting. A wire story counts once towards confidence high, however many hosts print it.",
        ),
    ]


def _blocked_fields() -> list[dict[str, Any]]:
    return [
        _field(
            "host",
            "string",
            "Host of a scraper, mirror or machine-translated copy.",
            required=True,
            unique=True,
        ),
        _field("reason", "string", "What it copies, and why it is not a source.", required=True),
    ]


def _evidence_fields() -> list[dict[str, Any]]:
    return [
        _field(
            "url",
            "string",
            "A page of the report's author or an established outlet.",
            required=True,
            pattern=r"^https?://\S+$",
        ),
        _field(
            "wave",
            "string",
            "The report whose list the page shows.",
            required=True,
            enum=_enum(publishers.REPORT_WAVES),
        ),
        _field(
            "iso2",
            "string",
            "Countries of the list it shows (ISO codes separated by spaces), or *.",
            required=True,
            pattern=r"^(\*|[A-Z]{2}( [A-Z]{2})*)$",
        ),
        _field("shows", "string", "What the page shows, with its outlet and date."),
    ]


def _places_fields() -> list[dict[str, Any]]:
    return [
        _field(
            "iso2",
            "string",
            "ISO 3166-1 alpha-2 code of the host country.",
            required=True,
            pattern="^[A-Z]{2}$",
        ),
        _field("city", "string", "The city exactly as stations.csv writes it.", required=True),
        _field("city_zh", "string", "Its name in Simplified Chinese; empty only where source_kind is none."),
        _field(
            "city_zh_hant",
            "string",
            "Traditional form, only where usage differs from OpenCC s2twp of city_zh.",
        ),
        _field(
            "city_zh_hant_source", "string", "Source of the Traditional form (a URL or cldr:<time zone>)."
        ),
        _field(
            "source",
            "string",
            "A page that uses the name (URL), or cldr:<time zone> for a CLDR exemplar city.",
        ),
        _field(
            "source_kind",
            "string",
            "What kind of source gives the name; none: not found yet.",
            required=True,
            enum=_enum(names_zh.SOURCE_KINDS),
        ),
        _field("notes", "string", "How the source writes the name, or what was searched."),
    ]


def _schemas() -> dict[str, dict[str, Any]]:
    return {
        "stations": {"fields": _station_fields(), "primaryKey": ["station_id"], "missingValues": [""]},
        "responses": {
            "fields": _response_fields(),
            "primaryKey": ["response_id"],
            "foreignKeys": [{"fields": ["iso2"], "reference": {"resource": "stations", "fields": ["iso2"]}}],
            "missingValues": [""],
        },
        # One row per report and bureau; the bureau may be unknown (empty), so there is no key.
        "unidentified": {"fields": _unidentified_fields(), "missingValues": [""]},
        "publishers": {"fields": _register_fields(), "primaryKey": ["host"], "missingValues": [""]},
        "blocked_hosts": {"fields": _blocked_fields(), "primaryKey": ["host"], "missingValues": [""]},
        "report_evidence": {
            "fields": _evidence_fields(),
            "primaryKey": ["url", "wave"],
            "missingValues": [""],
        },
        "places_zh": {"fields": _places_fields(), "primaryKey": ["iso2", "city"], "missingValues": [""]},
    }


def file_stats(path: Path) -> tuple[int, str]:
    """Size in bytes and SHA-256 of a file, as the package records them."""
    raw = read_regular(path)
    return len(raw), hashlib.sha256(raw).hexdigest()


def build(data_dir: str | os.PathLike[str], version: str, created: str) -> dict[str, Any]:
    """The package for the files now in ``data_dir``, at the given version and time.

    Deterministic: the same files, vocabulary, version and time give the same package, so the
    committed file can be compared with a fresh build.
    """
    directory = Path(data_dir)
    schemas = _schemas()
    resources = []
    for name, filename, title in RESOURCES:
        path = directory / filename
        if not path.exists() and filename not in REQUIRED:
            continue
        size, digest = file_stats(path)
        resources.append(
            {
                "name": name,
                "path": filename,
                "title": title,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": size,
                "hash": f"sha256:{digest}",
                "schema": schemas[name],
            }
        )
    return {
        "name": PACKAGE_NAME,
        "title": credits.DATASET_TITLE,
        "description": (
            "Sites reported as Chinese overseas police service stations, with the dated actions of "
            "their host governments. These are reported allegations: China's government denies "
            "running police stations abroad. " + credits.COMPILED_FROM
        ),
        "version": version,
        "created": created,
        **({"homepage": credits.DEFAULT_REPOSITORY} if credits.DEFAULT_REPOSITORY else {}),
        "licenses": [
            {
                "name": credits.DATA_LICENCE.spdx,
                "title": credits.DATA_LICENCE.title,
                "path": credits.DATA_LICENCE.url,
            }
        ],
        "contributors": [{"title": credits.AUTHOR, "role": "author"}],
        "sources": [
            {
                "title": 'Safeguard Defenders, "110 Overseas" (September 2022)',
                "path": REPORT_SOURCES["sep-2022"],
            },
            {
                "title": 'Safeguard Defenders, "Patrol and Persuade" (December 2022)',
                "path": REPORT_SOURCES["dec-2022"],
            },
        ],
        "keywords": ["China", "transnational repression", "overseas police stations", "110 Overseas"],
        "resources": resources,
    }


def render(package: Mapping[str, Any]) -> str:
    """The file's text: stable key order and indentation, so a bump is a readable diff."""
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def read(data_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The package in ``data_dir``, or None where there is none (or it cannot be parsed)."""
    path = Path(data_dir) / PACKAGE_FILE
    try:
        loaded = json.loads(read_regular_text(path))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


@dataclass(frozen=True)
class DataVersion:
    """The data version readers cite, and the day it was recorded."""

    version: str
    date: str


def data_version(data_dir: str | os.PathLike[str]) -> DataVersion | None:
    """The version and date the package records, or None without a package."""
    package = read(data_dir)
    if not package or not isinstance(package.get("version"), str):
        return None
    return DataVersion(package["version"], str(package.get("created", ""))[:10] or "unknown")


def next_version(current: str | None, today: dt.date) -> str:
    """Versions are the day of the bump (``2026-11-27``), then ``2026-11-27.2`` the same day."""
    day = today.isoformat()
    if not current or not current.startswith(day):
        return day
    _, _, count = current.partition(".")
    return f"{day}.{int(count) + 1 if count.isdigit() else 2}"


def bump(data_dir: str | os.PathLike[str], now: dt.datetime | None = None) -> dict[str, Any]:
    """Record the files as they are now under a new version; write the package atomically."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    current = read(data_dir) or {}
    version = next_version(current.get("version"), now.date())
    package = build(data_dir, version, now.isoformat().replace("+00:00", "Z"))
    atomic_write_text(Path(data_dir) / PACKAGE_FILE, render(package))
    return package


def check(data_dir: str | os.PathLike[str], display_name: str | None = None) -> list[Problem]:
    """Whether the package still describes the files: every difference, with what to run."""
    directory = Path(data_dir)
    name = display_name or str(directory / PACKAGE_FILE)
    path = directory / PACKAGE_FILE
    if not path.exists():
        return [Problem(name, 0, "-", f"missing: run `{BUMP_COMMAND}` to write it")]
    try:
        package = json.loads(read_regular_text(path))
    except OSError as err:
        return [Problem(name, 0, "-", f"cannot read: {err.strerror}")]
    except ValueError as err:
        line = getattr(err, "lineno", 1)
        return [Problem(name, line, "-", f"not valid JSON ({err}): run `{BUMP_COMMAND}` to rewrite it")]
    if not isinstance(package, dict) or not isinstance(package.get("version"), str):
        return [Problem(name, 1, "version", f"no data version recorded: run `{BUMP_COMMAND}`")]
    version = package["version"]
    recorded = {r.get("path"): r for r in package.get("resources", []) if isinstance(r, dict)}
    problems = []
    for _, filename, _ in RESOURCES:
        file = directory / filename
        if not file.exists():
            if filename in recorded or filename in REQUIRED:
                problems.append(Problem(name, 1, filename, "the package describes a file that is missing"))
            continue
        if filename not in recorded:
            problems.append(Problem(name, 1, filename, f"not described by the package: run `{BUMP_COMMAND}`"))
            continue
        try:
            size, digest = file_stats(file)
        except OSError as err:
            problems.append(Problem(name, 1, filename, f"cannot read: {err.strerror}"))
            continue
        if recorded[filename].get("hash") != f"sha256:{digest}" or recorded[filename].get("bytes") != size:
            problems.append(
                Problem(
                    name,
                    1,
                    filename,
                    f"changed since data version {version} was recorded: run `{BUMP_COMMAND}` to "
                    "record a new version (and commit the data and the package together)",
                )
            )
    if not problems and package != build(directory, version, str(package.get("created", ""))):
        problems.append(
            Problem(
                name,
                1,
                "schema",
                "differs from the schema in stations/data/vocab.py and stations/data/schema.py (edited by hand, "
                f"or the vocabulary changed): run `{BUMP_COMMAND}` to regenerate it",
            )
        )
    return problems
