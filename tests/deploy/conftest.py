"""Fixtures for tests/deploy: the shared Chromium of ``tests/e2e_support.py`` (one per module)."""

from __future__ import annotations

from e2e_support import chromium_browser  # noqa: F401 (fixture)
