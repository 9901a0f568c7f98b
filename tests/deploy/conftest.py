"""Fixtures for tests/deploy: the shared Chromium of ``tests/support/browser.py`` (one per module)."""

from __future__ import annotations

from tests.support.browser import chromium_browser  # noqa: F401 (fixture)
