"""How the rows reconcile with what Safeguard Defenders' two reports counted.

The reports counted 54 stations in 30 countries (September 2022) and 102 in 53 countries
(December 2022). Not every one of them could be identified from public sources; those that
could not are recorded, with what is known and why, in ``data/unidentified.csv`` rather than
invented as rows. Identified plus documented-unidentified must equal the reported totals.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from stations.load import DataError, Problem, _validate, read_records
from stations.schema import _valid_sources

UNIDENTIFIED_COLUMNS = ("wave", "stations", "new_countries", "what_is_known", "sources")

#: (stations, countries) as counted by each report, cumulative; with the reports' own pages.
REPORTED = {
    "sep-2022": (54, 30),
    "dec-2022": (102, 53),
}
REPORT_SOURCES = {
    "sep-2022": "https://safeguarddefenders.com/en/blog/110-overseas-chinese-transnational-policing-gone-wild",
    "dec-2022": "https://safeguarddefenders.com/en/blog/patrol-and-persuade-follow-110-overseas-investigation",
}

_SCHEMA = pa.DataFrameSchema(
    {
        "wave": pa.Column(str, pa.Check.isin(list(REPORTED), name="wave must be sep-2022 or dec-2022")),
        "stations": pa.Column(str, pa.Check.str_matches(r"^[0-9]+$", name="must be a whole number")),
        "new_countries": pa.Column(str, pa.Check.str_matches(r"^[0-9]+$", name="must be a whole number")),
        "what_is_known": pa.Column(str, pa.Check(lambda s: s.str.strip() != "", name="must not be empty")),
        "sources": pa.Column(
            str, pa.Check(_valid_sources, name="needs one or more http(s) URLs separated by ' | '")
        ),
    },
    strict=True,
    ordered=True,
)


def load_unidentified(path: str | os.PathLike[str]) -> pd.DataFrame:
    frame, lines, problems = read_records(path, UNIDENTIFIED_COLUMNS, str(path))
    if not problems:
        frame, problems = _validate(frame.astype(str), lines, str(path), _SCHEMA)
    if problems:
        raise DataError(problems)
    return frame.astype({"stations": int, "new_countries": int})


@dataclass(frozen=True)
class Wave:
    wave: str
    reported_stations: int
    reported_countries: int
    identified_stations: int
    identified_countries: int
    unidentified_stations: int
    unidentified_countries: int

    @property
    def reconciles(self) -> bool:
        return (
            self.identified_stations + self.unidentified_stations == self.reported_stations
            and self.identified_countries + self.unidentified_countries == self.reported_countries
        )


def reconcile(stations: pd.DataFrame, unidentified: pd.DataFrame) -> list[Wave]:
    """Cumulative totals per report: rows of that report and earlier, plus what is unidentified."""
    result = []
    waves = list(REPORTED)
    for n, wave in enumerate(waves):
        upto = waves[: n + 1]
        rows = stations[stations["wave"].isin(upto)]
        missing = unidentified[unidentified["wave"].isin(upto)]
        stations_total, countries_total = REPORTED[wave]
        result.append(
            Wave(
                wave=wave,
                reported_stations=stations_total,
                reported_countries=countries_total,
                identified_stations=len(rows),
                identified_countries=rows["iso2"].nunique(),
                unidentified_stations=int(missing["stations"].sum()),
                unidentified_countries=int(missing["new_countries"].sum()),
            )
        )
    return result


def problems(stations: pd.DataFrame, unidentified: pd.DataFrame, name: str) -> list[Problem]:
    """A reconciliation that does not add up, as validator problems."""
    found = []
    for wave in reconcile(stations, unidentified):
        if not wave.reconciles:
            found.append(
                Problem(
                    name,
                    1,
                    "stations",
                    f"{wave.wave}: {wave.identified_stations} rows + {wave.unidentified_stations} unidentified "
                    f"!= {wave.reported_stations} reported stations, or {wave.identified_countries} countries + "
                    f"{wave.unidentified_countries} unidentified != {wave.reported_countries} reported",
                )
            )
    return found
