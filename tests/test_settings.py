"""Every environment variable the app reads is declared once, documented in the README, and read
through its declaration (old tile names included)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from stations import settings
from stations.map import assets
from stations.view import citation

ROOT = Path(__file__).resolve().parent.parent


def test_readme_settings_table_is_the_declared_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- settings:begin -->\n", 1)[1].split("<!-- settings:end -->", 1)[0]
    assert table == settings.markdown_table()
    printed = subprocess.run(
        [sys.executable, "-m", "stations", "settings"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert printed.stdout == table


def test_every_variable_the_code_names_is_declared_with_the_one_prefix() -> None:
    declared = {s.name for s in settings.SETTINGS}
    old = {name for s in settings.SETTINGS for name in s.old_names}
    assert all(name.startswith(settings.PREFIX) for name in declared)
    named = set()
    for path in (ROOT / "stations").rglob("*.py"):
        named |= set(re.findall(r'"(STATIONS?_[A-Z_]+)"', path.read_text(encoding="utf-8")))
    assert named <= declared | old, named - declared - old
    # and no module but the settings table reads the environment itself
    readers = [
        p.relative_to(ROOT)
        for p in (ROOT / "stations").rglob("*.py")
        if re.search(r"os\.environ|getenv", p.read_text(encoding="utf-8")) and p.name != "settings.py"
    ]
    assert readers == []


def test_a_setting_reads_its_new_name_then_its_old_one_then_the_default() -> None:
    tiles = settings.MAP_TILES
    assert tiles.read({}) == "basemap"
    assert tiles.read({"STATION_MAP_TILES": "osm"}) == "osm"
    assert tiles.read({"STATIONS_MAP_TILES": "none", "STATION_MAP_TILES": "osm"}) == "none"
    assert tiles.read({"STATIONS_MAP_TILES": "  "}) == "basemap"  # empty counts as unset
    assert assets.tile_layer_settings({"STATIONS_MAP_TILES": "osm"})[0] == assets.OSM_TILE_URL
    assert (
        citation.repository_url({"STATIONS_REPOSITORY_URL": "https://git.example/x/"})
        == "https://git.example/x"
    )


def test_a_limit_that_is_not_a_number_is_its_default() -> None:
    assert settings.RUN_BURST.number({"STATIONS_RUN_BURST": "lots"}) == 10.0
    assert settings.RUNS_PER_S.number({"STATIONS_RUNS_PER_S": "0"}) == 0.01
    assert settings.FLOOD_RUNS_PER_S.number({}) == 0.2
