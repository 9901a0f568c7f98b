"""Reading and validating the data files, with errors that say file, line and column.

The CSV is parsed with the standard ``csv`` module first, so that every record keeps the line
it starts on (a quoted field may span lines, so ``index + 2`` would lie). Structural faults
(encoding, byte-order mark, header, field counts) are reported before the pandera schema runs on
the typed frame. Nothing here ever writes to the files it reads.

The frames the checks return are indexed by those line numbers: an index is shared by every
frame derived from it at no cost, where pandas deep-copies ``attrs`` into each one (a per-row
column access then costs the whole file, and validation the square of its size). Every check
works on whole columns, so validation is linear in the file's size, problems included; and
the problems are capped, the first ``PROBLEMS_PER_KIND`` of a kind and then a count of the rest.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from stations.data import corroboration, publishers, schema, vocab
from stations.data.regular import read_regular

#: Columns a download adds after the published ones (outlet names); the loader ignores them.
DERIVED_COLUMNS: tuple[str, ...] = (publishers.OUTLETS_COLUMN,)
#: Longest accepted cell, in characters: far above any real note, far below a runaway file.
MAX_FIELD = 100_000
BOM = "\ufeff"
#: Problems of one kind (file, column, message but for its values) reported one by one; the
#: rest are counted in one more line. A paste that repeated every row is thousands of
#: duplicates: the first ones say what is wrong, the count says how much.
PROBLEMS_PER_KIND = 20


@dataclass(frozen=True, order=True)
class Problem:
    """One defect in a data file, printed as ``file:line: column: message``."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class DataError(Exception):
    """The data files are broken; ``problems`` lists every defect found."""

    def __init__(self, problems: Sequence[Problem]):
        # Kept in the order given: callers list the root cause first (stations before the
        # responses that refer to them), which an alphabetical sort by path would undo.
        self.problems = list(problems)
        shown = "\n".join(str(p) for p in self.problems[:50])
        more = len(self.problems) - 50
        super().__init__(shown + (f"\n... and {more} more" if more > 0 else ""))


@dataclass(frozen=True)
class Dataset:
    """Both validated files, typed."""

    stations: pd.DataFrame
    responses: pd.DataFrame
    #: The publisher register of the data directory (None when it has none, e.g. synthetic data).
    register: publishers.Register | None = None


def _decode(raw: bytes, name: str, header: Sequence[str]) -> tuple[str, list[Problem]]:
    problems: list[Problem] = []
    if raw.startswith(BOM.encode("utf-8")):
        problems.append(
            Problem(
                name,
                1,
                header[0],
                "stray UTF-8 byte-order mark (BOM): save as UTF-8 without BOM",
            )
        )
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), problems
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
        line_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
        prefix = raw[line_start : err.start].decode("utf-8", errors="replace").replace("\r", " ")
        try:
            fields = next(csv.reader([prefix]), [""])
        except csv.Error:
            fields = prefix.split(",")
        column = header[len(fields) - 1] if 0 < len(fields) <= len(header) else f"field {len(fields)}"
        problems.append(
            Problem(
                name,
                line,
                column,
                f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at byte {err.start}); save the file as UTF-8",
            )
        )
        return raw.decode("utf-8", errors="replace"), problems


def read_records(
    path: str | os.PathLike[str],
    columns: Sequence[str],
    display_name: str | None = None,
) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    """Parse a CSV into a frame of strings plus the line each record starts on (also the
    frame's index).

    Returns the problems found instead of raising, so that a validator can list them all.
    """
    name = display_name or str(path)
    try:
        raw = read_regular(path)
    except OSError as err:
        return (
            pd.DataFrame(columns=list(columns), index=pd.Index([], dtype="int64")),
            [],
            [Problem(name, 0, "-", f"cannot read: {err.strerror}")],
        )
    text, problems = _decode(raw, name, columns)
    if text.startswith(BOM):
        text = text[1:]
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header: list[str] | None = None
        derived = 0
        start = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                problems.append(Problem(name, start, "-", f"malformed CSV: {err}"))
                break
            if header is None:
                header = record
                # A download carries an extra, derived column of outlet names: accepted, ignored.
                if [h.strip() for h in header[len(columns) :]] == list(DERIVED_COLUMNS):
                    header = header[: len(columns)]
                    derived = len(DERIVED_COLUMNS)
                problems.extend(_header_problems(name, header, columns))
                if any(p.line == 1 and p.column == "header" for p in problems):
                    break
            elif record and any(cell.strip() for cell in record):
                if derived and len(record) == len(columns) + derived:
                    record = record[: len(columns)]
                if len(record) != len(columns):
                    problems.append(
                        Problem(
                            name,
                            start,
                            columns[min(len(record), len(columns)) - 1] if record else "-",
                            f"expected {len(columns)} fields, found {len(record)} "
                            "(a missing or extra comma, or an unclosed quote?)",
                        )
                    )
                else:
                    rows.append(record)
                    lines.append(start)
            start = reader.line_num + 1
        if header is None:
            problems.append(Problem(name, 1, "header", "the file is empty: a header row is required"))
    finally:
        csv.field_size_limit(previous_limit)
    frame = pd.DataFrame(rows, columns=list(columns), dtype=object, index=pd.Index(lines, dtype="int64"))
    return frame, lines, problems


def _header_problems(name: str, header: Sequence[str], columns: Sequence[str]) -> list[Problem]:
    found = [h.strip() for h in header]
    missing = [c for c in columns if c not in found]
    extra = [h for h in found if h not in columns]
    problems = [Problem(name, 1, "header", f"missing column '{c}'") for c in missing]
    problems += [Problem(name, 1, "header", f"unknown column '{c}'") for c in extra]
    if not problems and list(found) != list(columns):
        problems.append(
            Problem(
                name,
                1,
                "header",
                "columns are out of order; expected: " + ",".join(columns),
            )
        )
    return problems


def lines_of(frame: pd.DataFrame) -> list[int]:
    """The lines of a checked file's rows (the index of the frames the checks here return); a
    frame counted from 0 (as ``load_dataset`` gives them) is taken as one record per line."""
    if isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0:
        return list(range(2, len(frame) + 2))
    return [int(line) for line in frame.index]


def _to_float(frame: pd.DataFrame, column: str, name: str) -> tuple[pd.Series, list[Problem]]:
    text = frame[column].astype(str).str.strip()
    values = pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)
    bad = (text != "") & ~(values.notna() & values.abs().lt(math.inf))
    problems = [
        Problem(name, int(line), column, f"'{value}' is not a number")
        for line, value in frame[column][bad].items()
    ]
    return values, problems


def _to_bool(frame: pd.DataFrame, column: str, name: str) -> tuple[pd.Series, list[Problem]]:
    text = frame[column].astype(str).str.strip().str.lower()
    bad = ~text.isin(["true", "false"])
    problems = [
        Problem(name, int(line), column, f"'{value}' must be true or false")
        for line, value in frame[column][bad].items()
    ]
    return text == "true", problems


def _schema_problems(err: pa.errors.SchemaErrors, name: str) -> list[Problem]:
    problems: list[Problem] = []
    cases = err.failure_cases
    for row in cases.itertuples(index=False):
        check = str(row.check)
        column = str(row.column) if row.column is not None else "-"
        if check.startswith("@"):
            column, check = check[1:].split(": ", 1)
        index = row.index
        if index is None or (isinstance(index, float) and math.isnan(index)):
            problems.append(Problem(name, 1, column, check))
            continue
        value = row.failure_case
        shown = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        message = check if row.schema_context == "DataFrameSchema" else f"'{shown}': {check}"
        problems.append(Problem(name, int(index), column, message))  # the index is the line
    return sorted(set(problems))


def validate_frame(
    frame: pd.DataFrame, name: str, schema_obj: pa.DataFrameSchema
) -> tuple[pd.DataFrame, list[Problem]]:
    """``frame`` validated by ``schema_obj`` (its index the lines), or as it was and the problems."""
    try:
        return schema_obj.validate(frame, lazy=True), []
    except pa.errors.SchemaErrors as err:
        return frame, _schema_problems(err, name)


def _typed_stations(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    typed = frame.copy()
    for column in vocab.STATION_COLUMNS:
        if column not in ("lat", "lon", "private_residence"):
            typed[column] = typed[column].astype(str)
    for column in ("lat", "lon"):
        typed[column], found = _to_float(frame, column, name)
        problems += found
    typed["private_residence"], found = _to_bool(frame, "private_residence", name)
    problems += found
    return typed, problems


def check_stations(
    path: str | os.PathLike[str],
    display_name: str | None = None,
    require_coordinates: bool = True,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and validate stations.csv; return the typed frame (indexed by line) and every
    problem found."""
    name = display_name or str(path)
    frame, _, problems = read_records(path, vocab.STATION_COLUMNS, name)
    if any(p.column == "header" or p.line == 0 for p in problems):
        return frame, problems
    typed, found = _typed_stations(frame, name)
    problems += found
    if found:
        return typed, cap(problems)
    typed, found = validate_frame(typed, name, schema.station_schema(require_coordinates))
    return typed, cap(problems + found)


def check_responses(
    path: str | os.PathLike[str], display_name: str | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and validate responses.csv on its own (see ``check_dataset`` for the cross-file rule)."""
    name = display_name or str(path)
    frame, _, problems = read_records(path, vocab.RESPONSE_COLUMNS, name)
    if any(p.column == "header" or p.line == 0 for p in problems):
        return frame, problems
    typed, found = validate_frame(frame.astype(str), name, schema.response_schema())
    return typed, cap(problems + found)


def cross_file_problems(
    stations: pd.DataFrame, responses: pd.DataFrame, responses_name: str
) -> list[Problem]:
    """Every response must concern a host country of at least one station."""
    if "iso2" not in stations or "iso2" not in responses or responses.empty:
        return []
    hosts = set(stations["iso2"])
    return [
        Problem(
            responses_name,
            int(line),
            "iso2",
            f"'{code}' hosts no station in stations.csv",
        )
        for line, code in responses["iso2"].items()
        if code not in hosts
    ]


def source_problems(
    frame: pd.DataFrame, name: str, register: publishers.Register, stations: bool
) -> list[Problem]:
    """The sourcing rules: every host registered, no copies, canonical hosts, weak-only rows
    marked low, (stations) each row of a report citing a page that shows it in that report, and
    ``high`` only with independent outlets (``corroboration``).

    ``frame``'s index gives the lines (as the checks above return it). One pass over whole
    columns: no per-row access to the frame, which would cost a copy of its metadata each.
    """
    if frame.empty or "sources" not in frame:
        return []
    problems: list[Problem] = []
    blank = [""] * len(frame)
    waves = frame["wave"] if stations else blank
    countries = frame["iso2"] if stations else blank
    lines = lines_of(frame)
    rows = zip(lines, frame["sources"], frame["confidence"], waves, countries, strict=True)
    for line, text, confidence, wave, iso2 in rows:
        urls = publishers.split_sources(text)
        for url in urls:
            host = publishers.host_of(url)
            if host in register.blocked:
                problems.append(
                    Problem(
                        name,
                        line,
                        "sources",
                        f"'{host}' is a blocked copy ({register.blocked[host]}): cite the original page",
                    )
                )
                continue
            reason = publishers.noncanonical_reason(host)
            if reason:
                problems.append(
                    Problem(
                        name,
                        line,
                        "sources",
                        f"'{host}' {reason}: cite the page on the publisher's public host",
                    )
                )
            if host not in register.publishers:
                problems.append(
                    Problem(
                        name,
                        line,
                        "sources",
                        f"'{host}' is not in {publishers.REGISTER_FILE}: register the publisher or cite another source",
                    )
                )
        ranks = [publishers.TIERS.index(t) for t in (register.tier(u) for u in urls) if t in publishers.TIERS]
        if ranks != sorted(ranks):
            problems.append(
                Problem(
                    name,
                    line,
                    "sources",
                    "list the sources strongest first (primary, established, reference, weak)",
                )
            )
        best = register.best_tier(urls)
        if best == "weak" and confidence != "low":
            problems.append(
                Problem(
                    name,
                    line,
                    "confidence",
                    f"'{confidence}': every source is weak, so confidence must be low",
                )
            )
        if (
            stations
            and wave in publishers.REPORT_WAVES
            and not any(register.shows_in_report(u, wave, iso2) for u in urls)
        ):
            problems.append(
                Problem(
                    name,
                    line,
                    "sources",
                    f"no source shows this station in the {wave} report: cite the report or an "
                    f"outlet reporting its list (listed in {publishers.EVIDENCE_FILE})",
                )
            )
    problems += [
        Problem(name, lines[i], column, message)
        for i, column, message in corroboration.findings(
            list(frame["sources"]), list(frame["confidence"]), register, official_text_suffices=not stations
        )
    ]
    return problems


def register_problems(register: publishers.Register, directory: Path) -> list[Problem]:
    return [Problem(str(directory / p.file), p.line, p.column, p.message) for p in register.problems]


def check_dataset(
    stations_path: str | os.PathLike[str],
    responses_path: str | os.PathLike[str],
    require_coordinates: bool = True,
) -> tuple[Dataset, list[Problem]]:
    """Validate both files and the rules that join them.

    The problems come root cause first: the publishers register's, then stations.csv's, then
    responses.csv's.
    The cross-file rule runs only on a valid stations file: a truncated or otherwise broken
    one has lost rows, and every response about their countries would be blamed for it (one
    problem reported as thirteen, the real one last).
    """
    stations, problems = check_stations(stations_path, require_coordinates=require_coordinates)
    responses, found = check_responses(responses_path)
    unreadable = any(p.column == "header" or p.line == 0 for p in problems)
    if not problems and not found:
        found += cross_file_problems(stations, responses, str(responses_path))
    directory = Path(stations_path).parent
    register = publishers.load_register(directory)
    first: list[Problem] = []
    if register is not None:
        first = register_problems(register, directory)  # a broken register misjudges every source
        if not unreadable:
            problems += source_problems(stations, str(stations_path), register, stations=True)
        if "confidence" in responses:
            found += source_problems(responses, str(responses_path), register, stations=False)
    ordered = sorted(first) + cap(sorted(problems)) + cap(sorted(found))
    return Dataset(stations=stations, responses=responses, register=register), ordered


def load_dataset(
    data_dir: str | os.PathLike[str] = "data",
) -> Dataset:
    """Load both committed files, or raise ``DataError`` listing every problem."""
    directory = Path(data_dir)
    dataset, problems = check_dataset(directory / "stations.csv", directory / "responses.csv")
    if problems:
        raise DataError(problems)
    # The line numbers served the error messages only: the app's frames count rows from 0.
    return Dataset(
        stations=dataset.stations.reset_index(drop=True),
        responses=dataset.responses.reset_index(drop=True),
        register=dataset.register,
    )


_VALUE = re.compile(r"'[^']*'|\d+")


def _kind(problem: Problem) -> tuple[str, str, str]:
    """What makes problems "of the same kind": file, column and message, its values aside."""
    return problem.file, problem.column, _VALUE.sub("…", problem.message)


def cap(problems: Sequence[Problem], per_kind: int = PROBLEMS_PER_KIND) -> list[Problem]:
    """The first ``per_kind`` problems of each kind, in order, then one line counting the rest
    (``and K more of the same kind``, on the line of the first left out). Header problems
    (line 1 or 0) are never left out: each names another column or another cause."""
    seen: dict[tuple[str, str, str], int] = {}
    left_out: dict[tuple[str, str, str], list[Problem]] = {}
    kept: list[Problem] = []
    last_kept: dict[tuple[str, str, str], int] = {}
    for problem in problems:
        kind = _kind(problem)
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= per_kind or problem.line <= 1:
            last_kept[kind] = len(kept)
            kept.append(problem)
        else:
            left_out.setdefault(kind, []).append(problem)
    after: dict[int, list[Problem]] = {}
    for kind, rest in left_out.items():
        first, last = rest[0], rest[-1]
        where = f"lines {first.line}-{last.line}" if len(rest) > 1 else f"line {first.line}"
        summary = Problem(
            first.file, first.line, first.column, f"and {len(rest):,} more of the same kind ({where})"
        )
        after.setdefault(last_kept[kind], []).append(summary)
    out: list[Problem] = []
    for i, problem in enumerate(kept):
        out.append(problem)
        out += after.get(i, [])
    return out
