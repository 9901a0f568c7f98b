"""The sourcing rules: each is reported with the file and line of the row that breaks it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from stations.data import load, publishers, synthetic, validate, vocab

ROOT = Path(__file__).resolve().parent.parent
SEP_LIST = "https://news.example/sep-list"
DEC_REPORT = "https://report.example/patrol-and-persuade"

REGISTER = """host,name,kind,tier,publisher,wire
example.org,Example Ministry,government_or_court,primary,,
example.net,Example Daily,news,established,,
news.example,Example News,news,established,,
report.example,Report Author,report_author,primary,,
blog.example,Example Blog,other,weak,,
"""
BLOCKED = "host,reason\nscraper.example,machine-translated copy of Example Daily\n"
EVIDENCE = f"""url,wave,iso2,shows
{SEP_LIST},sep-2022,*,the September list city by city
{DEC_REPORT},dec-2022,*,the December report
"""


def _rows() -> list[dict[str, str]]:
    rows = synthetic.stations_rows(6)
    for row in rows:
        # Sources strongest first: the report (primary) leads, an established list follows.
        if row["wave"] == "dec-2022":
            row["sources"] = f"{DEC_REPORT} | {row['sources']}"
        elif row["wave"] == "sep-2022":
            row["sources"] += f" | {SEP_LIST}"
    return rows


def _write(tmp_path: Path, rows: list[dict[str, str]], register: str = REGISTER) -> Path:
    directory = synthetic.write_dataset(tmp_path / "data", stations=rows)
    (directory / publishers.REGISTER_FILE).write_text(register, encoding="utf-8")
    (directory / publishers.BLOCKED_FILE).write_text(BLOCKED, encoding="utf-8")
    (directory / publishers.EVIDENCE_FILE).write_text(EVIDENCE, encoding="utf-8")
    return directory


def _problems(directory: Path) -> list[load.Problem]:
    return validate.validate_paths([directory / "stations.csv", directory / "responses.csv"])


def test_a_registered_fixture_is_valid(tmp_path: Path) -> None:
    directory = _write(tmp_path, _rows())
    assert _problems(directory) == []
    dataset, problems = load.check_dataset(directory / "stations.csv", directory / "responses.csv")
    assert problems == []
    assert dataset.register is not None and "example.net" in dataset.register.publishers


@pytest.mark.parametrize(
    ("change", "column", "fragment"),
    [
        ({"sources": "https://unknown.example/a"}, "sources", "'unknown.example' is not in publishers.csv"),
        ({"sources": "https://scraper.example/copy"}, "sources", "'scraper.example' is a blocked copy"),
        (
            {"sources": "https://staging.example.net/a"},
            "sources",
            "'staging.example.net' is a 'staging.' host",
        ),
        ({"sources": "https://amp.example.net/a"}, "sources", "'amp.example.net' is a 'amp.' host"),
        ({"sources": "https://iframe.example.net/a"}, "sources", "'iframe.example.net' is a 'iframe.' host"),
        ({"sources": "https://new-origin.example.net/a"}, "sources", "is a CDN origin host"),
        ({"sources": "https://example.net./a"}, "sources", "has a trailing dot"),
        (
            {"sources": "https://blog.example/post", "confidence": "high", "wave": "later"},
            "confidence",
            "every source is weak, so confidence must be low",
        ),
        (
            {"sources": "https://blog.example/post | https://example.net/story", "wave": "later"},
            "sources",
            "list the sources strongest first",
        ),
        (
            {"sources": "https://example.net/story", "wave": "dec-2022"},
            "sources",
            "no source shows this station in the dec-2022 report",
        ),
        (
            {"sources": "https://example.net/story", "wave": "sep-2022"},
            "sources",
            "no source shows this station in the sep-2022 report",
        ),
    ],
)
def test_each_sourcing_rule_names_file_line_and_column(
    tmp_path: Path, change: dict[str, str], column: str, fragment: str
) -> None:
    rows = _rows()
    rows[3].update(change)  # data line 5 (header is line 1)
    directory = _write(tmp_path, rows)
    found = _problems(directory)
    assert any(
        p.file.endswith("stations.csv") and p.line == 5 and p.column == column and fragment in p.message
        for p in found
    ), found
    assert all(p.line == 5 for p in found if p.file.endswith("stations.csv")), found


def test_a_weak_only_row_marked_low_passes(tmp_path: Path) -> None:
    rows = _rows()
    rows[3].update(sources="https://blog.example/post", confidence="low", wave="later")
    assert _problems(_write(tmp_path, rows)) == []


def test_a_response_with_a_blocked_host_is_reported_on_its_line(tmp_path: Path) -> None:
    directory = _write(tmp_path, _rows())
    path = directory / "responses.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("https://example.org/response/", "https://scraper.example/response/")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = _problems(directory)
    assert [(Path(p.file).name, p.line, p.column) for p in found] == [("responses.csv", 3, "sources")], found


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        ("junk.example,Copy Farm,other,junk,,", "tier", "unknown tier"),
        ("www.example.com,Example,news,established,,", "host", "not a bare host name"),
        ("amp.example.com,Example,news,established,,", "host", "'amp.' host"),
        ("example.net,Again,news,established,,", "host", "duplicate host"),
        ("other.example,Other,wire,established,,", "kind", "unknown kind"),
    ],
)
def test_register_defects_are_reported_with_their_line(
    tmp_path: Path, line: str, column: str, fragment: str
) -> None:
    directory = _write(tmp_path, _rows(), register=REGISTER + line + "\n")
    found = _problems(directory)
    assert any(
        p.file.endswith("publishers.csv") and p.line == 7 and p.column == column and fragment in p.message
        for p in found
    ), found


# Confidence high: two independent outlets ------------------------------------------------

#: Hosts that are not independent of the register's outlets: a second host of Example Daily, and
#: two portals carrying one wire's copy.
SHARED = """mirror-of-daily.example,Example Daily (second site),news,established,Example Daily,
portal-a.example,Portal A (Wire),news,established,,Example Wire
portal-b.example,Portal B (Wire),news,established,,Example Wire
"""
# Register rows name Example Daily by host; give it the same publisher name as its second site.
SHARED_REGISTER = (
    REGISTER.replace(
        "example.net,Example Daily,news,established,,",
        "example.net,Example Daily,news,established,Example Daily,",
    )
    + SHARED
)


@pytest.mark.parametrize(
    ("sources", "outlets"),
    [
        ("https://example.net/a", "Example Daily"),  # one outlet
        ("https://example.net/a | https://mirror-of-daily.example/a", "Example Daily"),  # one publisher
        ("https://portal-a.example/a | https://portal-b.example/a", "Example Wire"),  # one wire story
        ("https://example.net/a | https://blog.example/b", "Example Daily"),  # a weak page does not count
    ],
)
def test_a_high_station_without_two_independent_outlets_fails(
    tmp_path: Path, sources: str, outlets: str
) -> None:
    rows = _rows()
    rows[3].update(sources=sources, confidence="high", wave="later")
    found = _problems(_write(tmp_path, rows, register=SHARED_REGISTER))
    assert [(Path(p.file).name, p.line, p.column) for p in found] == [("stations.csv", 5, "confidence")], (
        found
    )
    assert "'high' needs two independent outlets" in found[0].message
    assert outlets in found[0].message


@pytest.mark.parametrize(
    "sources",
    [
        "https://report.example/r | https://example.net/a",  # the report counts as one outlet
        "https://portal-a.example/a | https://example.net/a",  # a wire story and a newspaper
        "https://example.org/a | https://news.example/b",
    ],
)
def test_a_high_station_with_two_independent_outlets_passes(tmp_path: Path, sources: str) -> None:
    rows = _rows()
    rows[3].update(sources=sources, confidence="high", wave="later")
    assert _problems(_write(tmp_path, rows, register=SHARED_REGISTER)) == []


def test_the_same_row_at_medium_passes(tmp_path: Path) -> None:
    rows = _rows()
    rows[3].update(sources="https://portal-a.example/a | https://portal-b.example/a", confidence="medium")
    rows[3]["wave"] = "later"
    assert _problems(_write(tmp_path, rows, register=SHARED_REGISTER)) == []


def _response_problems(tmp_path: Path, sources: str) -> list[load.Problem]:
    directory = _write(tmp_path, _rows(), register=SHARED_REGISTER)
    path = directory / "responses.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("https://example.org/response/", sources + "#")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return _problems(directory)


def test_a_high_response_needs_two_outlets_or_an_official_text(tmp_path: Path) -> None:
    found = _response_problems(tmp_path, "https://portal-a.example/a | https://portal-b.example/")
    assert [(Path(p.file).name, p.line, p.column) for p in found] == [("responses.csv", 3, "confidence")], (
        found
    )
    assert "or an official text" in found[0].message and "Example Wire" in found[0].message


def test_a_high_response_resting_on_its_official_record_passes(tmp_path: Path) -> None:
    # The synthetic responses cite one government page each, at high: the record of the act.
    assert _response_problems(tmp_path, "https://example.org/record/") == []


def test_a_register_publisher_with_a_pipe_is_reported(tmp_path: Path) -> None:
    register = REGISTER + "pipe.example,Pipe,news,established,A | B,\n"
    found = _problems(_write(tmp_path, _rows(), register=register))
    assert [(Path(p.file).name, p.line, p.column) for p in found] == [("publishers.csv", 7, "publisher")], (
        found
    )


def test_report_evidence_must_be_primary_or_established(tmp_path: Path) -> None:
    directory = _write(tmp_path, _rows())
    with (directory / publishers.EVIDENCE_FILE).open("a", encoding="utf-8") as handle:
        handle.write("https://blog.example/list,dec-2022,*,a blog's copy of the list\n")
    found = _problems(directory)
    assert [(Path(p.file).name, p.line, p.column) for p in found] == [("report_evidence.csv", 4, "url")], (
        found
    )


def test_the_command_fails_with_file_and_line(tmp_path: Path) -> None:
    rows = _rows()
    rows[1]["sources"] = "https://scraper.example/copy"
    directory = _write(tmp_path, rows)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stations",
            "validate",
            str(directory / "stations.csv"),
            str(directory / "responses.csv"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"{directory / 'stations.csv'}:3: sources: 'scraper.example' is a blocked copy" in result.stdout


def test_labels_name_the_outlet_and_flag_weak_sources(tmp_path: Path) -> None:
    register = publishers.load_register(_write(tmp_path, _rows()))
    assert publishers.label_for("https://www.example.net/x", register) == "Example Daily"
    assert publishers.label_for("https://blog.example/p", register) == "Example Blog (weak source)"
    assert publishers.label_for("https://unknown.example/p", register) == "unknown.example"
    assert publishers.label_for("https://example.net/x", None) == "example.net"
    # A Chinese page says the warning in Chinese and the outlet's name as published.
    weak = publishers.label_for("https://blog.example/p", register)
    assert publishers.label_in(weak, "zh-Hans") == "Example Blog（薄弱来源）"
    assert publishers.label_in(weak, "en") == weak
    assert publishers.label_in("Example Daily", "zh-Hant") == "Example Daily"
    assert publishers.source_labels(
        publishers.annotate(pd.DataFrame({"sources": ["https://blog.example/p"]}), register)
    ) == [weak]


# The committed data ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def committed() -> load.Dataset:
    return load.load_dataset(ROOT / "data")


def test_committed_data_cites_no_mirror_or_copy(committed: load.Dataset) -> None:
    register = committed.register
    assert register is not None
    for frame in (committed.stations, committed.responses):
        hosts = {publishers.host_of(u) for s in frame["sources"] for u in publishers.split_sources(s)}
        assert "r.genit.al" not in hosts
        assert not hosts & set(register.blocked)
        assert hosts <= set(register.publishers)
        assert all(publishers.noncanonical_reason(h) is None for h in hosts)


def test_committed_weak_only_rows_are_low(committed: load.Dataset) -> None:
    register = committed.register
    for frame in (committed.stations, committed.responses):
        best = frame["sources"].map(lambda s: publishers.best_tier_of(s, register))
        assert (frame.loc[best == "weak", "confidence"] == "low").all()
        assert best.isin(publishers.TIERS).all()


def test_every_report_row_shows_its_report(committed: load.Dataset) -> None:
    register = committed.register
    rows = committed.stations[committed.stations["wave"].isin(publishers.REPORT_WAVES)]
    for row in rows.itertuples():
        urls = row.sources.split(vocab.SOURCE_SEPARATOR)
        assert any(register.shows_in_report(u, row.wave, row.iso2) for u in urls), row.station_id
