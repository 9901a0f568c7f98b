"""The import contracts of pyproject.toml (``lint-imports``) hold, and each one catches what it
forbids: run on small fixture packages laid out like the real rooms, first clean, then with one
import that breaks one contract."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

#: A clean tree: every room imports only the rooms below it.
CLEAN = {
    "stations/__init__.py": "",
    "stations/__main__.py": "from stations.data import reconcile\n",
    "stations/settings.py": "",
    "stations/atomic.py": "",
    "stations/i18n/__init__.py": "from stations import settings\n",
    "stations/data/__init__.py": "",
    "stations/data/load.py": "from stations import atomic, i18n\n",
    "stations/data/reconcile.py": "from stations.data import load\n",
    "stations/view/__init__.py": "",
    "stations/view/filters.py": "from stations.data import load\n",
    "stations/map/__init__.py": "",
    "stations/map/payload.py": "from stations.view import filters\n",
    "stations/publish/__init__.py": "",
    "stations/publish/site.py": "from stations.map import payload\n",
    "stations/web/__init__.py": "",
    "stations/web/page.py": "import streamlit\nfrom stations.map import payload\nfrom stations.publish import site\n",
    "bench/__init__.py": "",
    "bench/runner.py": "from bench import report\n",
    "bench/report.py": "",
}
#: One change per contract, each breaking it (the file it writes, its text, the contract's id).
BREAKS = {
    "data imports view": ("stations/data/load.py", "from stations.view import filters\n", "rooms"),
    "i18n imports data": ("stations/i18n/__init__.py", "from stations.data import load\n", "rooms"),
    "view imports map": ("stations/view/filters.py", "from stations.map import payload\n", "rooms"),
    "map imports web": ("stations/map/payload.py", "from stations.web import page\n", "rooms"),
    "map imports the publisher": ("stations/map/payload.py", "from stations.publish import site\n", "rooms"),
    "publisher imports streamlit": ("stations/publish/site.py", "import streamlit\n", "streamlit"),
    "view imports streamlit": ("stations/view/filters.py", "import streamlit\n", "streamlit"),
    "map imports streamlit-folium": ("stations/map/payload.py", "import streamlit_folium\n", "streamlit"),
    "load and reconcile import each other": (
        "stations/data/load.py",
        "def later():\n    from stations.data import reconcile\n",
        "acyclic",
    ),
    "bench modules import each other": ("bench/report.py", "from bench import runner\n", "acyclic"),
}


def lint(tree: Path, contract: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(LINT_IMPORTS), str(tree / "pyproject.toml"), "--no-cache"]
    if contract:
        command += ["--contract", contract]
    return subprocess.run(
        command, cwd=tree, env={"PYTHONPATH": str(tree)}, capture_output=True, text=True, timeout=120
    )


def fixture(tmp_path: Path, change: tuple[str, str] | None = None) -> Path:
    tree = tmp_path / "tree"
    for name, text in CLEAN.items():
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if change:
        name, text = change
        (tree / name).write_text((tree / name).read_text(encoding="utf-8") + text, encoding="utf-8")
    # The project's own contracts, as they are.
    shutil.copyfile(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_project_keeps_its_import_contracts() -> None:
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def test_a_tree_that_keeps_the_rules_passes(tmp_path: Path) -> None:
    done = lint(fixture(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("case", list(BREAKS))
def test_each_contract_fails_on_the_import_it_forbids(tmp_path: Path, case: str) -> None:
    name, text, contract = BREAKS[case]
    done = lint(fixture(tmp_path, (name, text)), contract)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "BROKEN" in done.stdout and "0 kept, 1 broken" in done.stdout, done.stdout
