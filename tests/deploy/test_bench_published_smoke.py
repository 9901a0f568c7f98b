"""``python -m bench.published`` runs end to end at its smallest bounds, so it cannot rot unnoticed.

Asserts that every figure was produced and that nothing failed (every reader of every round
served, every first marker seen), never how fast anything was: timings on a shared 2-core
machine are not a test. The section it writes replaces its own earlier one in the results file
and leaves the other sections alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import published
from tests.support.deploy import nginx_binary

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]


def test_bench_published_produces_every_figure(tmp_path: Path) -> None:
    if nginx_binary() is None:
        pytest.fail("nginx is not installed: `make nginx` (a dependency of `make test`) installs it")
    if published.wrk_binary() is None:
        pytest.fail("wrk is not installed: `make wrk` (a dependency of `make test`) installs it")
    results_file = tmp_path / "RESULTS.md"
    results_file.write_text(
        f"# Benchmark results\n\n## Before\nkept\n\n{published.HEADING}\nold figures\n\n## After\nkept too\n",
        encoding="utf-8",
    )
    argv = ["--sizes", "102", "--loads", "2", "--pairs", "1", "--seconds", "2", "--write",
            "--results", str(results_file)]  # fmt: skip
    results = published.run(argv)
    entry = results["sizes"][102]
    assert set(entry["first_marker_s"]) == {"published", "folium_save", "published_nginx", "dashboard"}
    for rounds in entry["first_marker_s"].values():  # two rounds of one load of each page
        assert [len(loads) for loads in rounds] == [1, 1] and min(min(rounds)) > 0, rounds
    for load in ("published_load", "dashboard_load"):
        assert entry[load]["bytes"] > 0 and entry[load]["requests"] > 0, entry[load]
    assert entry["dashboard_load"]["ws_bytes"] > 0  # the dashboard's WebSocket was counted
    scale = entry["scale"]
    for name in ("readers_published", "readers_dashboard"):
        figures = scale[name]
        assert figures["readers"] > 0 and figures["errors"] == 0, figures
        assert figures["server_cpu_ms_per_reader"] > 0, figures
    assert scale["readers_published"]["client"] == "wrk"
    assert (
        scale["readers_published"]["requests"]
        >= scale["readers_published"]["readers"] * scale["published_files"]
    )
    assert scale["memory_published"]["open"] == published.OPEN_PUBLISHED
    assert scale["memory_dashboard"]["open"] == published.OPEN_SESSIONS
    text = results_file.read_text(encoding="utf-8")
    assert "old figures" not in text and text.count(published.HEADING) == 1
    assert "## Before\nkept" in text and "## After\nkept too" in text
    assert "| 102 |" in text and "readers per second" in text and "load average" in text
