"""``python -m geo check``: every coordinate must lie inside its station's own country.

A wrong coordinate on a public map of alleged police stations is worse than none, so this is a
hard check: point-in-polygon against Natural Earth 1:50m, with a tolerance of
``boundaries.COASTAL_TOLERANCE_DEG`` (0.1 degree) for coastal points on generalised coastlines.
It also checks the bookkeeping the map relies on (precision and source present, private
residences never finer than city).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo import boundaries
from geo.csvio import Table


@dataclass(frozen=True)
class Finding:
    station_id: str
    line: int
    message: str


def check_table(table: Table) -> tuple[list[Finding], int]:
    """(findings, number of rows whose coordinates were checked). Rows without coordinates count as findings."""
    findings: list[Finding] = []
    checked = 0
    for i, line in enumerate(table.lines):
        sid = table.get(i, "station_id")
        iso2 = table.get(i, "iso2")
        lat_text, lon_text = table.get(i, "lat").strip(), table.get(i, "lon").strip()
        precision, source = table.get(i, "geo_precision"), table.get(i, "geo_source")
        if not lat_text:
            findings.append(Finding(sid, line, "no coordinates"))
            continue
        checked += 1
        lat, lon = float(lat_text), float(lon_text)
        if not precision or not source:
            findings.append(Finding(sid, line, "coordinates without geo_precision/geo_source"))
        if table.get(i, "private_residence") == "true" and precision in ("address", "street"):
            findings.append(
                Finding(sid, line, f"private residence located at {precision} level (city at most)")
            )
        distance = boundaries.distance_to_country(lat, lon, iso2)
        if distance is None:
            findings.append(Finding(sid, line, f"no boundary shipped for {iso2}: cannot check"))
        elif distance > boundaries.COASTAL_TOLERANCE_DEG:
            found = boundaries.country_of(lat, lon) or "the sea or no country"
            findings.append(
                Finding(
                    sid, line, f"({lat}, {lon}) is {distance:.2f} degree outside {iso2}; it lies in {found}"
                )
            )
    return findings, checked
