"""Reading and rewriting stations.csv so that a diff shows only the coordinates that changed.

Each record keeps its exact source text; a record the geocoder did not touch is written back
byte for byte, and a touched one is re-serialised with the csv module (QUOTE_MINIMAL, "\\n", or
the record's own line ending). Everything else in the file (header, column order, row order,
blank lines) is kept verbatim. Input faults are collected as ``file:line: column: message`` so
that an editor sees them all at once, and nothing is written when there is any.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from geo import PRECISIONS, SOURCES
from stations.atomic import atomic_write_text
from stations.data.load import Problem  # one definition of a located defect, shared with the validator

REQUIRED_COLUMNS: tuple[str, ...] = (
    "station_id",
    "iso2",
    "city",
    "address",
    "private_residence",
    "lat",
    "lon",
    "geo_precision",
    "geo_source",
)
#: ISO-like codes accepted although pycountry lacks them (the boundaries ship them).
EXTRA_ISO2 = frozenset({"XK"})
MAX_FIELD = 100_000


class InputError(Exception):
    """The input file cannot be processed; ``problems`` lists every defect found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Table:
    """A parsed CSV that remembers its own text, so unchanged parts are written back verbatim."""

    path: Path
    original: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # the line each record starts on (quoted fields may span lines)
    chunks: list[str | int] = field(default_factory=list)  # verbatim text, or a row index
    endings: list[str] = field(default_factory=list)  # each row's own line ending
    changed: set[int] = field(default_factory=set)
    raw: list[str] = field(default_factory=list)  # each row's exact source text

    def col(self, name: str) -> int:
        return self.header.index(name)

    def get(self, row: int, name: str) -> str:
        return self.rows[row][self.col(name)]

    def set(self, row: int, name: str, value: str) -> None:
        if self.rows[row][self.col(name)] != value:
            self.rows[row][self.col(name)] = value
            self.changed.add(row)

    def render(self) -> str:
        out = []
        for chunk in self.chunks:
            if isinstance(chunk, str):
                out.append(chunk)
                continue
            if chunk not in self.changed:
                out.append(self.raw[chunk])
                continue
            buffer = io.StringIO()
            csv.writer(
                buffer, quoting=csv.QUOTE_MINIMAL, lineterminator=self.endings[chunk] or "\n"
            ).writerow(self.rows[chunk])
            out.append(buffer.getvalue())
        return "".join(out)


def _lines(text: str) -> Iterator[str]:
    """Split on "\\n" only (keeping it): str.splitlines would also split on \\r, \\x1c, \\u2028..."""
    for match in re.finditer(r"[^\n]*\n|[^\n]+$", text):
        yield match.group(0)


def read_table(path: str | os.PathLike[str], display_name: str | None = None) -> Table:
    """Parse and check the file; raise InputError listing every problem."""
    name = display_name or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise InputError([Problem(name, 0, "-", f"cannot read: {err.strerror}")]) from err
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InputError([Problem(name, 1, "-", "UTF-8 byte-order mark (BOM): save as UTF-8 without BOM")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise InputError(
            [Problem(name, line, "-", f"not valid UTF-8 (byte 0x{raw[err.start]:02x})")]
        ) from err

    consumed: list[str] = []
    source = _lines(text)

    def feed() -> Iterator[str]:
        for line in source:
            consumed.append(line)
            yield line

    problems: list[Problem] = []
    table = Table(path=Path(path), original=text, header=[], rows=[], lines=[])
    previous = csv.field_size_limit(MAX_FIELD)
    try:
        reader = csv.reader(feed(), strict=True)
        line_no = 1
        while True:
            consumed.clear()
            try:
                record = next(reader)
            except StopIteration:
                if consumed:
                    table.chunks.append("".join(consumed))
                break
            except csv.Error as err:
                problems.append(Problem(name, line_no, "-", f"malformed CSV: {err}"))
                break
            chunk = "".join(consumed)
            if not table.header:
                table.header = record
                table.chunks.append(chunk)
                missing = [c for c in REQUIRED_COLUMNS if c not in record]
                problems += [Problem(name, 1, "header", f"missing column '{c}'") for c in missing]
                dupes = sorted({c for c in record if record.count(c) > 1})
                problems += [Problem(name, 1, "header", f"duplicate column '{c}'") for c in dupes]
                if problems:
                    break
            elif not record or not any(cell.strip() for cell in record):
                table.chunks.append(chunk)  # blank line: kept as it was
            elif len(record) != len(table.header):
                problems.append(
                    Problem(
                        name,
                        line_no,
                        table.header[min(len(record), len(table.header)) - 1],
                        f"expected {len(table.header)} fields, found {len(record)} "
                        "(a missing or extra comma, or an unclosed quote?)",
                    )
                )
            else:
                table.chunks.append(len(table.rows))
                table.raw.append(chunk)
                table.endings.append("\r\n" if chunk.endswith("\r\n") else "\n")
                table.rows.append(record)
                table.lines.append(line_no)
            line_no += len(consumed)
    finally:
        csv.field_size_limit(previous)
    if not table.header and not problems:
        problems.append(Problem(name, 1, "header", "the file is empty: a header row is required"))
    if not problems:
        problems += _row_problems(table, name)
    if problems:
        raise InputError(problems)
    return table


def _number(text: str, low: float, high: float) -> str | None:
    """An error message, or None if ``text`` is a finite number within [low, high]."""
    try:
        value = float(text)
    except ValueError:
        return f"'{text}' is not a number"
    if not math.isfinite(value) or not low <= value <= high:
        return f"{text} is outside {low:g}..{high:g}"
    return None


def _row_problems(table: Table, name: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, line in enumerate(table.lines):

        def bad(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(name, line, column, message))

        station_id = table.get(i, "station_id").strip()
        if not station_id:
            bad("station_id", "empty: every row needs an id")
        elif station_id in seen:
            bad("station_id", f"'{station_id}' repeats line {seen[station_id]}")
        else:
            seen[station_id] = line
        iso2 = table.get(i, "iso2")
        if not (
            iso2 in EXTRA_ISO2
            or (len(iso2) == 2 and iso2.isupper() and pycountry.countries.get(alpha_2=iso2))
        ):
            bad("iso2", f"'{iso2}' is not an ISO 3166-1 alpha-2 code")
        if table.get(i, "private_residence") not in ("true", "false"):
            bad("private_residence", f"'{table.get(i, 'private_residence')}' must be true or false")
        lat, lon = table.get(i, "lat").strip(), table.get(i, "lon").strip()
        if bool(lat) != bool(lon):
            bad("lat" if not lat else "lon", "lat and lon must both be set or both be empty")
        for column, text, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
            message = _number(text, -limit, limit) if text else None
            if message:
                bad(column, message)
        precision, source = table.get(i, "geo_precision"), table.get(i, "geo_source")
        if precision and precision not in PRECISIONS:
            bad("geo_precision", f"'{precision}' is not one of {', '.join(PRECISIONS)}")
        if source and source not in SOURCES:
            bad("geo_source", f"'{source}' is not one of {', '.join(SOURCES)}")
    return problems


def write_table(table: Table) -> bool:
    """Write the table back atomically if anything changed; refuse if the file moved meanwhile.

    Someone may edit the CSV while a long online run is going: overwriting their edit with our
    older copy would silently lose it, so we compare with what we read and stop instead.
    """
    if not table.changed:
        return False
    current = table.path.read_bytes().decode("utf-8", errors="replace")
    if current != table.original:
        raise InputError(
            [Problem(str(table.path), 0, "-", "the file changed while geocoding: not overwritten; run again")]
        )
    atomic_write_text(table.path, table.render())
    return True
