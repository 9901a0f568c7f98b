"""Browser-test plumbing for tests/e2e: the shared fixtures of ``tests/support/browser.py``.

Re-exported here (not copied) so every module in this folder gets one Chromium per session
and a fresh context per test, exactly as tests/test_assets.py does.
"""

from __future__ import annotations

from tests.support.browser import browser_context, chromium_browser  # noqa: F401 (fixtures)
