"""The committed data: every coordinate in data/stations.csv lies inside the station's own country.

Point-in-polygon against Natural Earth 1:50m with a 0.1 degree tolerance for coastal points
(boundaries.COASTAL_TOLERANCE_DEG). Rows without coordinates yet are not judged here
(``python -m geo check`` reports them); a point in another country or at sea fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.check import check_table
from geo.csvio import read_table

STATIONS = Path(__file__).resolve().parents[2] / "data" / "stations.csv"


@pytest.mark.skipif(not STATIONS.exists(), reason="data/stations.csv not written yet")
def test_every_committed_coordinate_lies_inside_its_own_country() -> None:
    table = read_table(STATIONS)
    findings, checked = check_table(table)
    wrong = [
        f"{f.station_id} (line {f.line}): {f.message}" for f in findings if f.message != "no coordinates"
    ]
    assert not wrong, "\n".join(wrong)
