"""What a site is published from: one validated version of the data files, and its names."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from stations.data import datapackage, dataversion, model, names_zh
from stations.data.files import DATA_FILES, FINE_SHAPES, SHAPES, load_annotated
from stations.data.load import DataError
from stations.data.validate import validate_paths
from stations.map import mapping
from stations.view.filters import Options

#: The files ``python -m stations validate`` checks by default (the unidentified list too).
CHECKED_FILES = ("stations.csv", "responses.csv", "unidentified.csv")


@dataclass(frozen=True)
class Source:
    """The stations (with their outlets' names), each host country's actions, the link's
    options, the outlines, and which version of the files all that is."""

    stations: pd.DataFrame
    summary: pd.DataFrame
    options: Options
    shapes: Mapping[str, Any] | None
    shapes_path: Path | None
    fine_shapes_path: Path | None
    #: The data version readers cite (datapackage.json) and its date; None without a package.
    version: str | None
    date: str | None
    #: The content hash of the data files (``stations.data.dataversion.digest``): what the
    #: dashboard's data keeper names the version it serves by.
    digest: str
    #: The register of the cities' Chinese names (``data/places_zh.csv``), where there is one.
    places_path: Path | None = None

    @property
    def short_digest(self) -> str:
        return self.digest[:12]


def from_frames(
    directory: str | os.PathLike[str],
    stations: pd.DataFrame,
    summary: pd.DataFrame,
    options: Options,
    shapes: Mapping[str, Any] | None,
    digest: str,
) -> Source:
    """A source from data already loaded and validated (the dashboard's served version)."""
    folder = Path(directory)
    recorded = datapackage.data_version(folder)
    return Source(
        stations=stations,
        summary=summary,
        options=options,
        shapes=shapes,
        shapes_path=folder / SHAPES if (folder / SHAPES).exists() else None,
        fine_shapes_path=folder / FINE_SHAPES if (folder / FINE_SHAPES).exists() else None,
        version=recorded.version if recorded else None,
        date=recorded.date if recorded else None,
        digest=digest,
        places_path=folder / names_zh.PLACES_FILE if (folder / names_zh.PLACES_FILE).exists() else None,
    )


def load(directory: str | os.PathLike[str]) -> Source:
    """The files in ``directory``, validated as ``python -m stations validate`` does (the data
    version included); ``DataError`` listing every problem otherwise: nothing is published from
    data that fails its checks."""
    folder = Path(directory)
    checked = [
        folder / name for name in CHECKED_FILES if (folder / name).exists() or name != CHECKED_FILES[2]
    ]
    problems = validate_paths([str(p) for p in checked])
    if (folder / datapackage.PACKAGE_FILE).exists():
        problems += datapackage.check(folder)
    if problems:
        raise DataError(problems)
    digest = dataversion.digest([folder / name for name in DATA_FILES])
    dataset = load_annotated(folder)
    shapes_path = folder / SHAPES
    return from_frames(
        folder,
        dataset.stations,
        model.country_actions(dataset.stations, dataset.responses),
        Options.from_stations(dataset.stations),
        mapping.load_country_shapes(shapes_path) if shapes_path.exists() else None,
        digest,
    )
