"""Which files make one version of the data, and the dataset as every surface reads it.

The dashboard's data keeper (``stations.web.data``) and the static publisher
(``stations.publish``) read the same files the same way, so the published map and the
dashboard can only differ by the version they were made from, which each of them names.
"""

from __future__ import annotations

import os
from pathlib import Path

from stations.data import publishers
from stations.data.load import Dataset, load_dataset

#: Country outlines for the map's country layer, under the data directory (optional), and the
#: finer ones a zoomed picture draws.
SHAPES = Path("boundaries") / "countries-110m.geojson"
FINE_SHAPES = SHAPES.parent / "countries-50m.geojson"

#: The files a page's data is read from; a change to any of them is a new version of the data.
DATA_FILES = (
    "stations.csv",
    "responses.csv",
    "unidentified.csv",
    publishers.REGISTER_FILE,
    publishers.BLOCKED_FILE,
    publishers.EVIDENCE_FILE,
    str(SHAPES),
)
REQUIRED_FILES = ("stations.csv", "responses.csv")


def load_annotated(directory: str | os.PathLike[str]) -> Dataset:
    """The validated dataset (``DataError`` otherwise), each source with its outlet's name and
    each row with its best tier."""
    dataset = load_dataset(directory)
    return Dataset(
        stations=publishers.annotate(dataset.stations, dataset.register),
        responses=publishers.annotate(dataset.responses, dataset.register),
        register=dataset.register,
    )
