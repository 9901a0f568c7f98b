"""Shared pieces of the reliability suite: case counters, the pages, and readers of AppTest output.

Every test here records how many cases it actually ran (``record``), so the figures in
docs/RELIABILITY.md come from runs, not from settings; ``conftest.py`` prints them at the end of
the run and writes them to artifacts/reliability/cases.json.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.support.apptest import (
    DATA_PAGE,
    MAP_PAGE,
    PAGE_FILES,
    RESPONSES_PAGE,
    map_args,
    map_script,
    map_table,
    markers,
    metrics,
    new_app,
    url,
)

__all__ = [
    "DATA_PAGE",
    "MAP_PAGE",
    "RESPONSES_PAGE",
    "map_args",
    "map_script",
    "map_table",
    "markers",
    "metrics",
    "new_app",
    "url",
]

ROOT = Path(__file__).resolve().parents[2]
#: Each page's script by its key (from the app's own page list).
PAGES = PAGE_FILES
ARTIFACTS = ROOT / "artifacts" / "reliability"

#: Cases run per test name, across the whole session.
CASES: Counter[str] = Counter()
#: Free-form figures (load test, memory) keyed by name, written next to the counts.
FIGURES: dict[str, object] = {}


def record(name: str, n: int = 1) -> None:
    """Count ``n`` cases run under ``name`` (called from inside test bodies and examples)."""
    CASES[name] += n


def scale() -> float:
    """Multiplier for example counts: RELIABILITY_SCALE=5 for a longer fuzzing run."""
    try:
        return max(0.1, float(os.environ.get("RELIABILITY_SCALE", "1")))
    except ValueError:
        return 1.0


def examples(n: int) -> int:
    return max(1, int(n * scale()))


def link_notices(at: AppTest) -> list[str]:
    """The warnings that say part of a link was dropped."""
    return [w.value for w in at.warning if "not understood" in w.value]


MARKDOWN_SPECIAL = set("<>[]`*_|$")


def unescaped_markup(text: str, special: str | set[str] = MARKDOWN_SPECIAL) -> list[str]:
    """Markdown/HTML special characters in ``text`` that are not backslash-escaped."""
    special = set(special)
    found: list[str] = []
    escaped = False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in special:
            found.append(ch)
    return found


def write_summary(path: Path = ARTIFACTS / "cases.json") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"cases": dict(sorted(CASES.items())), "figures": FIGURES}, indent=1, default=str) + "\n",
        encoding="utf-8",
    )
    return path


# -- markup payloads ----------------------------------------------------------------------------

#: Each payload, if it ever ran as markup, sets ``window.__pwned`` and the document title.
PAYLOADS = (
    "<script>window.__pwned=1;document.title='pwned'</script>",
    "<img src=x onerror=\"window.__pwned=1;document.title='pwned'\">",
    "<svg onload=\"window.__pwned=1;document.title='pwned'\"></svg>",
    "</script><script>window.__pwned=1;document.title='pwned'</script>",
    '"><iframe srcdoc="<script>parent.__pwned=1;parent.document.title=\'pwned\'</script>"></iframe>',
    '<a href="javascript:window.__pwned=1">click</a> [md](javascript:window.__pwned=1)',
    "'><details open ontoggle=\"window.__pwned=1;document.title='pwned'\">",
    "${window.__pwned=1} **bold** :red[x] $x$ `code` <!-- x",
)
STATION_TEXT_FIELDS = (
    "country",
    "city",
    "city_zh",
    "address",
    "bureau_district",
    "host_organisation",
    "host_organisation_zh",
    "notes",
)
RESPONSE_TEXT_FIELDS = ("country", "actor", "summary", "notes")
#: Passes the schema (no whitespace, http scheme) yet carries markup: links must stay inert.
MARKUP_URL = 'https://example.org/"><svg/onload=window.__pwned=1>'
#: Synthetic rows far apart (Amsterdam, New York, Canberra), so each is its own marker.
PAYLOAD_ROWS = (0, 3, 7)


def payload(field: str, n: int) -> str:
    """A payload labelled with the field it sits in, so a leak says where it came from."""
    return f"{field}#{n}:{PAYLOADS[(n + len(field)) % len(PAYLOADS)]}"


def write_payload_dataset(directory: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Both CSVs with every free-text field holding markup; returns the rows written."""
    import random

    from stations.data import synthetic

    rng = random.Random(3)
    stations = []
    for n, index in enumerate(PAYLOAD_ROWS):
        row = synthetic.station_row(index, rng)
        row.update({field: payload(field, n) for field in STATION_TEXT_FIELDS})
        row["sources"] = f"{MARKUP_URL} | https://example.net/ok/{n}"
        stations.append(row)
    responses = synthetic.responses_rows([r["iso2"] for r in stations])
    names = {r["iso2"]: r["country"] for r in stations}
    for n, row in enumerate(responses):
        row.update({field: payload(field, 10 + n) for field in RESPONSE_TEXT_FIELDS})
        row["country"] = f"resp-{names[row['iso2']]}"  # one name per iso2, as the schema wants
        row["sources"] = MARKUP_URL
    synthetic.write_dataset(directory, stations=stations, responses=responses)
    return stations, responses
