"""Shared pieces of the reliability suite: case counters, the pages, and readers of AppTest output.

Every test here records how many cases it actually ran (``record``), so the figures in
docs/RELIABILITY.md come from runs, not from settings; ``conftest.py`` prints them at the end of
the run and writes them to artifacts/reliability/cases.json.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
MAP_PAGE = ROOT / "app.py"
RESPONSES_PAGE = ROOT / "pages" / "1_Government_responses.py"
DATA_PAGE = ROOT / "pages" / "2_Data_and_sources.py"
PAGES = {"map": MAP_PAGE, "responses": RESPONSES_PAGE, "data": DATA_PAGE}
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


def new_app(page: Path) -> AppTest:
    """An AppTest of the multipage app opened on ``page``, as a visitor's session would be.

    The map page is the entry point; the others are reached with ``switch_page`` (their
    navigation links resolve only relative to the entry point, as in the real server).
    """
    at = AppTest.from_file(str(MAP_PAGE), default_timeout=60)
    if page != MAP_PAGE:
        at.switch_page(str(page.relative_to(ROOT)))
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def url(at: AppTest) -> dict[str, list[str]]:
    """The address bar after the run, each parameter as a list of values."""
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def map_script(at: AppTest) -> str:
    """The Leaflet script handed to the st_folium component (empty if the page has no map)."""
    for component in at.get("component_instance"):
        if component.proto.component_name.endswith("st_folium"):
            return json.loads(component.proto.json_args)["script"]
    return ""


def markers(at: AppTest) -> list[str]:
    """Station ids the map was given, parsed from the JSON table in its script."""
    script = map_script(at)
    found = re.search(r"var data = (\{.*?\});\n", script, re.S)
    if not found:
        raise AssertionError("no station table in the map script")
    return json.loads(found.group(1))["columns"]["station_id"]


def link_notices(at: AppTest) -> list[str]:
    """The warnings that say part of a link was dropped."""
    return [w.value for w in at.warning if "not understood" in w.value]


MARKDOWN_SPECIAL = set("<>[]`*_|$")


def unescaped_markup(text: str) -> list[str]:
    """Markdown/HTML special characters in ``text`` that are not backslash-escaped."""
    found: list[str] = []
    escaped = False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in MARKDOWN_SPECIAL:
            found.append(ch)
    return found


def write_summary(path: Path = ARTIFACTS / "cases.json") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"cases": dict(sorted(CASES.items())), "figures": FIGURES}, indent=1, default=str) + "\n",
        encoding="utf-8",
    )
    return path
