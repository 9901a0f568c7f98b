"""The benchmark runs end to end at its smallest size, so it cannot rot unnoticed.

Asserts that the run completed and produced every figure, never how fast anything was: timings
on a shared 2-core machine are not a test. The browser figures are required only where
/usr/bin/chromium exists (CI has it); elsewhere the run must say why it skipped them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import browser, report, runner


@pytest.mark.slow
def test_bench_at_102_stations_produces_every_figure(tmp_path: Path) -> None:
    results_file = tmp_path / "RESULTS.md"
    results = runner.run(["--sizes", "102", "--repeat", "1", "--write", "--results", str(results_file)])
    summary = results["summary"]
    figures = summary["sizes"][102]
    skipped_browser = browser.unavailable_reason()
    expected = [f for f in report.FIGURES if not (skipped_browser and f in report.BROWSER_FIGURES)]
    assert not figures["problems"] or skipped_browser, figures["problems"]
    missing = [name for name in expected if figures.get(name) is None]
    assert not missing, f"figures not produced: {missing}; problems: {figures['problems']}"
    if skipped_browser:
        assert results["browser_skipped"] == skipped_browser
    floor_figures = ["apptest_cold_s", "apptest_warm_s", "apptest_rerun_s", "elements_rerun_s"]
    if not skipped_browser:
        floor_figures += ["browser_load_s", "browser_first_load_s", "server_peak_rss_mb"]
    assert all(summary["floor"][name] is not None for name in floor_figures), summary["floor"]
    verdicts = {t["target"]: t["verdict"] for t in summary["targets"]}
    assert len(verdicts) == 8
    assert all(v in ("met", "NOT met", "not measured") for v in verdicts.values())
    text = results_file.read_text(encoding="utf-8")
    assert "## Targets" in text and f"{results['machine']['cpu_count']} cores" in text
