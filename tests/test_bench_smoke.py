"""The benchmark runs end to end at its smallest size, so it cannot rot unnoticed.

Asserts that the run completed and produced every figure, never how fast anything was: timings
on a shared 2-core machine are not a test. The browser figures are required only where
/usr/bin/chromium exists (CI has it); elsewhere the run must say why it skipped them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import browser, languages, published_languages, report, runner


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


def test_language_bench_measures_each_language_against_english(tmp_path: Path) -> None:
    results_file = tmp_path / "RESULTS.md"
    results_file.write_text("# Benchmark results\n\n## Another section\n\nkept\n", encoding="utf-8")
    results = languages.run(["--rounds", "2", "--write", "--results", str(results_file)])
    assert set(results["reruns_s"]) == {"en", *languages.LANGUAGES}
    assert all(len(times) == 2 * len(languages.CHOICES) for times in results["reruns_s"].values())
    assert all(results["ratio"][lang] > 0 for lang in languages.LANGUAGES)
    text = results_file.read_text(encoding="utf-8")
    assert "## Another section" in text and languages.HEADING in text
    assert all(f"| {lang} |" in text for lang in languages.LANGUAGES)
    languages.run(["--rounds", "1", "--write", "--results", str(results_file)])
    assert results_file.read_text(encoding="utf-8").count(languages.HEADING) == 1


@pytest.mark.slow
@pytest.mark.skipif(browser.unavailable_reason() is not None, reason="needs Chromium")
def test_published_language_bench_measures_each_language_against_english(tmp_path: Path) -> None:
    results_file = tmp_path / "RESULTS.md"
    results = published_languages.run(["--rounds", "2", "--write", "--results", str(results_file)])
    assert {len(times) for times in results["first_marker_s"].values()} == {2}
    assert set(results["ratio"]) == set(published_languages.LANGUAGES)
    assert set(results["bytes"]["words_gz"]) == set(published_languages.LANGUAGES)
    assert 0 < results["bytes"]["page_part_gz"] < results["bytes"]["page_part"]
    assert published_languages.HEADING in results_file.read_text(encoding="utf-8")
