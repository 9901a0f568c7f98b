"""The data the benchmarks load: synthetic files with the real schema, at any size."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The country outlines the real page draws, copied beside the synthetic files.
SHAPES = ROOT / "data" / "boundaries" / "countries-110m.geojson"


def make_dataset(root: Path, n: int) -> Path:
    """Synthetic files with the real schema, plus the country outlines the real page draws."""
    from stations.data import synthetic

    directory = synthetic.write_dataset(root / f"n{n}", n=n)
    if SHAPES.exists():
        (directory / "boundaries").mkdir(exist_ok=True)
        shutil.copyfile(SHAPES, directory / "boundaries" / SHAPES.name)
    return directory
