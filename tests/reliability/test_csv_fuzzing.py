"""A broken data file gives ``file:line`` problems, never a traceback, and is never written to.

Two layers: named malformations that people really produce (Excel's CSV flavours, a truncated
upload, a BOM, NUL bytes, a 10 MB cell) checked one by one, then Hypothesis mutating valid files
byte by byte. For every input the loader must return problems that each name the file and a
line inside it, and leave the file's bytes, mtime and ctime untouched (ctime also moves on
chmod, rename-over and metadata writes). The app pages must show the validator's message
(st.error + st.code), not an exception.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from stations.data import load, synthetic, vocab
from tests.support.reliability import PAGES, examples, new_app, record

NAME = "stations.csv"
PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<column>[^:]+): (?P<message>.+)$", re.S)


def valid_files(n: int = 6) -> tuple[bytes, bytes]:
    stations = synthetic.to_csv(synthetic.stations_rows(n), vocab.STATION_COLUMNS).encode()
    hosts = sorted({r["iso2"] for r in synthetic.stations_rows(n)})
    responses = synthetic.to_csv(synthetic.responses_rows(hosts[:3]), vocab.RESPONSE_COLUMNS).encode()
    return stations, responses


GOOD, GOOD_RESPONSES = valid_files()
LINES = GOOD.split(b"\n")


def _replace_in_row(row: int, old: bytes, new: bytes) -> bytes:
    lines = list(LINES)
    assert old in lines[row], (old, lines[row])
    lines[row] = lines[row].replace(old, new, 1)
    return b"\n".join(lines)


MALFORMED: dict[str, bytes] = {
    "empty file": b"",
    "only blank lines": b"\n\n\n",
    "truncated row": b"\n".join(LINES[:3]) + b"\n" + LINES[3][:40] + b"\n",
    "truncated inside a quoted field": GOOD[: len(LINES[0]) + 1] + LINES[1][:30] + b'"unterminated',
    "quote in the middle of a field": _replace_in_row(2, b",Association", b',"Asso"ciation'),
    "latin-1 byte in a cell": GOOD.replace(b"Association 3", "Associação 3".encode("latin-1")),
    "utf-16 file": GOOD.decode().encode("utf-16"),
    "utf-8 BOM": b"\xef\xbb\xbf" + GOOD,
    "extra column": b"\n".join([LINES[0] + b",extra"] + [line + b",x" for line in LINES[1:] if line]),
    "missing column": b"\n".join(b",".join(line.split(b",")[:-1]) for line in LINES if line),
    "duplicate header column": b"\n".join([LINES[0] + b",station_id"] + LINES[1:]),
    "10 MB field": GOOD.replace(b"Synthetic row for tests.", b"A" * 10_000_000, 1),
    "NUL byte in text": GOOD.replace(b"Association 2", b"Assoc\x00iation 2"),
    "NUL byte in a number": _replace_in_row(1, b",52.", b",5\x002."),
    "an HTML error page": b"<html><body><h1>404 Not Found</h1></body></html>\n",
    "binary noise": bytes(range(256)) * 4,
    # Excel for Mac's "CSV (Macintosh)": CR line endings and Mac Roman text.
    "CR line endings and a Mac Roman byte": GOOD.replace(b"\n", b"\r").replace(
        b"Association 3", b"Associa\x8d\x8bo 3"
    ),
    "CR line endings and a latin-1 byte": GOOD.replace(b"\n", b"\r").replace(
        b"Association 4", b"Associa\xe7\xe3o 4"
    ),
    "lat is not a number": _replace_in_row(1, b",52.", b",north of 52."),
    "lat is infinite": _replace_in_row(1, b",52.", b",1e999"),
}

#: Well-formed variants that must load without any problem.
ACCEPTED: dict[str, bytes] = {
    "CRLF line endings": GOOD.replace(b"\n", b"\r\n"),
    "CR line endings": GOOD.replace(b"\n", b"\r"),
    "no final newline": GOOD.rstrip(b"\n"),
}


def snapshot(path: Path) -> tuple[bytes, int, int, int]:
    stat = path.stat()
    return path.read_bytes(), stat.st_mtime_ns, stat.st_ctime_ns, stat.st_mode


def check_problems(problems: list[load.Problem], name: str, raw: bytes) -> None:
    """Every problem names the file and a line that exists (0 only for unreadable files)."""
    lines = max(1, raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n") + 1)
    for problem in problems:
        text = str(problem)
        match = PROBLEM_LINE.match(text)
        assert match, text
        assert match["file"] == name, text
        assert 1 <= problem.line <= lines, (text, lines)
        assert problem.message.strip(), text
        assert "Traceback" not in text


def run_checker(
    tmp_path: Path, raw: bytes, checker: Callable[..., tuple[object, list[load.Problem]]], name: str = NAME
) -> list[load.Problem]:
    path = tmp_path / name
    path.write_bytes(raw)
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = snapshot(path)
    listing = sorted(os.listdir(tmp_path))
    _, problems = checker(path, name)
    assert snapshot(path) == before, "the loader changed the file it read"
    assert sorted(os.listdir(tmp_path)) == listing, "the loader created or removed files"
    return problems


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_stations_file_gives_file_line_problems_without_traceback(
    tmp_path: Path, case: str
) -> None:
    record("csv: named malformations")
    raw = MALFORMED[case]
    problems = run_checker(tmp_path, raw, load.check_stations)
    assert problems, f"{case}: accepted"
    check_problems(problems, NAME, raw)


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_well_formed_variants_load_cleanly(tmp_path: Path, case: str) -> None:
    record("csv: accepted variants")
    assert run_checker(tmp_path, ACCEPTED[case], load.check_stations) == []


def test_header_only_file_is_valid_and_every_page_still_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file with the header and no rows is a valid, empty dataset: the pages must cope."""
    directory = tmp_path / "data"
    directory.mkdir()
    (directory / "stations.csv").write_bytes(LINES[0] + b"\n")
    (directory / "responses.csv").write_bytes(GOOD_RESPONSES.split(b"\n")[0] + b"\n")
    assert load.load_dataset(directory).stations.empty
    monkeypatch.setenv("STATIONS_DATA_DIR", str(directory))
    for page in PAGES.values():
        record("csv: pages with malformed data")
        at = new_app(page).run()
        assert not at.exception, (page.name, [e.value for e in at.exception])


def test_broken_stations_header_does_not_blame_every_response(tmp_path: Path) -> None:
    """When stations.csv cannot be read, the cross-file rule has nothing to compare with: its
    "hosts no station" line for every response buries the one real problem."""
    directory = synthetic.write_dataset(tmp_path / "data", n=6)
    path = directory / "stations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("notes", "notez", 1), encoding="utf-8")
    _, problems = load.check_dataset(path, directory / "responses.csv")
    record("csv: named malformations")
    assert [p.message for p in problems] == ["missing column 'notes'", "unknown column 'notez'"]


# -- Hypothesis: byte-level mutations of valid files ------------------------------------------------

INSERTS = [
    b",",
    b'"',
    b"\n",
    b"\r",
    b"\r\n",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xe9",
    b"\xc3",
    b" ",
    b"<script>",
    b'""',
    b"\t",
]


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(
            st.sampled_from(["insert", "delete", "replace", "truncate", "duplicate line", "swap lines"])
        )
        at = draw(st.integers(min_value=0, max_value=max(0, len(data) - 1)))
        if kind == "insert":
            data[at:at] = draw(st.one_of(st.sampled_from(INSERTS), st.binary(min_size=1, max_size=8)))
        elif kind == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=40))]
        elif kind == "replace":
            data[at : at + 1] = draw(st.binary(min_size=1, max_size=1))
        elif kind == "truncate":
            del data[at:]
        else:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            if kind == "duplicate line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def fuzz(n: int) -> settings:
    """Fixed, derandomised examples (the same every run); shrinking on, it is cheap here."""
    return settings(
        max_examples=examples(n),
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


@pytest.mark.timeout(180)
@fuzz(300)
@given(raw=mutated(GOOD))
def test_mutated_stations_file_never_raises_and_is_never_written(tmp_path: Path, raw: bytes) -> None:
    record("csv: mutated stations.csv")
    problems = run_checker(tmp_path, raw, load.check_stations)
    check_problems(problems, NAME, raw)


@pytest.mark.timeout(180)
@fuzz(150)
@given(raw=mutated(GOOD_RESPONSES))
def test_mutated_responses_file_never_raises_and_is_never_written(tmp_path: Path, raw: bytes) -> None:
    record("csv: mutated responses.csv")
    problems = run_checker(tmp_path, raw, load.check_responses, "responses.csv")
    check_problems(problems, "responses.csv", raw)


# -- the pages show the validator's words ------------------------------------------------------------

PAGE_CASES = [
    "truncated row",
    "utf-8 BOM",
    "missing column",
    "10 MB field",
    "NUL byte in text",
    "empty file",
    "CR line endings and a Mac Roman byte",
]


@pytest.mark.parametrize("case", PAGE_CASES)
def test_every_page_shows_the_validator_message_for_a_broken_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    directory = synthetic.write_dataset(tmp_path / "data", n=6)
    (directory / "stations.csv").write_bytes(MALFORMED[case])
    monkeypatch.setenv("STATIONS_DATA_DIR", str(directory))
    for page in PAGES.values():
        record("csv: pages with malformed data")
        at = new_app(page).run()
        assert not at.exception, (case, page.name, [e.value for e in at.exception])
        assert at.error and "invalid" in at.error[0].value, (case, page.name)
        assert re.search(r"stations\.csv:\d+: ", at.code[0].value), (case, page.name, at.code[0].value[:200])


@pytest.mark.parametrize(
    ("case", "line"),
    [
        ("latin-1 byte in a cell", 4),
        ("CR line endings and a latin-1 byte", 5),
        ("CR line endings and a Mac Roman byte", 4),
    ],
)
def test_encoding_error_names_its_real_line_and_column_whatever_the_line_endings(
    tmp_path: Path, case: str, line: int
) -> None:
    """Excel for Mac writes CR line endings: the bad byte's line and column must still be right
    (counting only LF puts every problem of such a file on line 1, in "field 96")."""
    record("csv: named malformations")
    problems = run_checker(tmp_path, MALFORMED[case], load.check_stations)
    decoding = [p for p in problems if "not valid UTF-8" in p.message]
    assert [(p.line, p.column) for p in decoding] == [(line, "host_organisation")], [str(p) for p in decoding]
