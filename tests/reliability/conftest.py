"""Report how many cases the reliability tests ran, so the figures in docs come from runs."""

from __future__ import annotations

import pytest

from tests.support.reliability import CASES, FIGURES, write_summary


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not CASES and not FIGURES:
        return
    terminalreporter.section("reliability: cases run")
    for name, count in sorted(CASES.items()):
        terminalreporter.write_line(f"{count:7d}  {name}")
    terminalreporter.write_line(f"{sum(CASES.values()):7d}  total")
    for name, value in FIGURES.items():
        terminalreporter.write_line(f"{name}: {value}")
    terminalreporter.write_line(f"written to {write_summary()}")
