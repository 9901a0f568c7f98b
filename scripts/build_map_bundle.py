"""Write static/js/leaflet-bundle.js from its parts (run after vendor_assets.py or after editing
static/js/leaflet-default-icon-path.js; the result is committed, a test checks it is current).

Usage: ``.venv/bin/python scripts/build_map_bundle.py`` from the repository root.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stations.atomic import atomic_write_text  # noqa: E402
from stations.map import assets  # noqa: E402


def main() -> int:
    target = assets.STATIC_DIR / assets.LEAFLET_BUNDLE
    atomic_write_text(target, assets.leaflet_bundle_text())
    print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
