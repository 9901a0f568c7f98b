"""How the rows reconcile with what Safeguard Defenders' two reports counted.

The reports counted 54 stations in 30 countries (September 2022) and 102 in 53 countries
(December 2022). Not every one of them could be identified from public sources; those that
could not are recorded, with what is known and why, in ``data/unidentified.csv`` rather than
invented as rows. Identified plus documented-unidentified must equal the reported totals.

The reports also say which bureau ran how many of their stations. Most stations' bureaus are
still unknown, so that count is checked in a form that holds at every stage of the research:
the stations attributed to a bureau (rows plus unidentified) may never exceed what the report
gives that bureau, and once no station of the report has an unknown bureau they must match it
exactly. A wrong attribution therefore fails as soon as it is made, not only at the end.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from stations.data import vocab
from stations.data.load import DataError, Problem, lines_of, read_records, validate_frame
from stations.data.schema import valid_sources

UNIDENTIFIED_COLUMNS = ("wave", "stations", "new_countries", "bureau", "what_is_known", "sources")

#: (stations, countries) as counted by each report, cumulative; with the reports' own pages.
REPORTED = {
    "sep-2022": (54, 30),
    "dec-2022": (102, 53),
}
REPORT_SOURCES = {
    "sep-2022": "https://safeguarddefenders.com/en/blog/110-overseas-chinese-transnational-policing-gone-wild",
    "dec-2022": "https://safeguarddefenders.com/en/blog/patrol-and-persuade-follow-110-overseas-investigation",
}

#: Stations each report attributes to each bureau, counting only the stations that report added
#: (not cumulative). A report is listed here only when a source gives its split; when the
#: figures add up to all of the report's new stations, no other bureau may appear in it. The
#: September split is the report's own (REPORT_SOURCES), as coverage quoting it repeats; no
#: split of the December report's 48 new stations by bureau has been found in a citable source.
REPORTED_BUREAUS: dict[str, dict[str, int]] = {
    "sep-2022": {"Fuzhou": 32, "Qingtian": 22},
}
#: New stations per report (the difference of the cumulative totals above).
NEW_STATIONS = {"sep-2022": 54, "dec-2022": 102 - 54}

#: A bureau in data/unidentified.csv: a named one, or empty when it is not known.
UNIDENTIFIED_BUREAUS = tuple(b for b in vocab.BUREAUS if b != "Unknown")

_SCHEMA = pa.DataFrameSchema(
    {
        "wave": pa.Column(str, pa.Check.isin(list(REPORTED), name="wave must be sep-2022 or dec-2022")),
        "stations": pa.Column(str, pa.Check.str_matches(r"^[0-9]+$", name="must be a whole number")),
        "new_countries": pa.Column(str, pa.Check.str_matches(r"^[0-9]+$", name="must be a whole number")),
        "bureau": pa.Column(
            str,
            pa.Check(
                lambda s: s.isin(["", *UNIDENTIFIED_BUREAUS]),
                name="unknown bureau; allowed: empty (not known), " + ", ".join(UNIDENTIFIED_BUREAUS),
            ),
        ),
        "what_is_known": pa.Column(str, pa.Check(lambda s: s.str.strip() != "", name="must not be empty")),
        "sources": pa.Column(
            str, pa.Check(valid_sources, name="needs one or more http(s) URLs separated by ' | '")
        ),
    },
    strict=True,
    ordered=True,
)


def check_unidentified(
    path: str | os.PathLike[str], display_name: str | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and validate data/unidentified.csv; the frame is indexed by each record's line."""
    name = display_name or str(path)
    frame, _, problems = read_records(path, UNIDENTIFIED_COLUMNS, name)
    if not problems:
        frame, problems = validate_frame(frame.astype(str), name, _SCHEMA)
    if problems:
        return frame, problems
    return frame.astype({"stations": int, "new_countries": int}), []


def load_unidentified(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The validated file, or ``DataError`` listing every problem."""
    frame, problems = check_unidentified(path)
    if problems:
        raise DataError(problems)
    return frame.reset_index(drop=True)  # line numbers serve error messages only


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


@dataclass(frozen=True)
class BureauCount:
    """How many of one report's new stations are attributed to one bureau, against the report."""

    wave: str
    bureau: str
    reported: int
    rows: int
    unidentified: int
    unknown_in_wave: int

    @property
    def attributed(self) -> int:
        return self.rows + self.unidentified


def bureau_counts(stations: pd.DataFrame, unidentified: pd.DataFrame) -> list[BureauCount]:
    """Per report with a known split: each bureau's stations (rows + unidentified) and the unknown.

    A bureau the report does not name counts against a total of zero when the report's figures
    cover all of its stations, so that a station wrongly attributed to it is caught too.
    """
    result = []
    for wave, totals in REPORTED_BUREAUS.items():
        rows = stations.loc[stations["wave"] == wave, "bureau"]
        missing = unidentified[unidentified["wave"] == wave]
        unknown = int((rows == "Unknown").sum()) + int(missing.loc[missing["bureau"] == "", "stations"].sum())
        complete = sum(totals.values()) == NEW_STATIONS[wave]
        named = set(rows[rows != "Unknown"]) | set(missing.loc[missing["bureau"] != "", "bureau"])
        bureaus = list(totals) + sorted(named - set(totals) if complete else set())
        for bureau in bureaus:
            result.append(
                BureauCount(
                    wave=wave,
                    bureau=bureau,
                    reported=totals.get(bureau, 0),
                    rows=int((rows == bureau).sum()),
                    unidentified=int(missing.loc[missing["bureau"] == bureau, "stations"].sum()),
                    unknown_in_wave=unknown,
                )
            )
    return result


def bureau_problems(
    stations: pd.DataFrame,
    unidentified: pd.DataFrame,
    stations_name: str,
    unidentified_name: str,
) -> list[Problem]:
    """Attributions that contradict a report's count by bureau, as validator problems.

    Too many: reported on the record that takes the bureau past the report's figure (station
    rows are counted first, in file order, then unidentified rows). Too few once nothing in the
    report is unknown: reported on the header of the unidentified file, like the totals above.
    """
    found: list[Problem] = []
    station_lines = lines_of(stations)
    unidentified_lines = lines_of(unidentified)
    for count in bureau_counts(stations, unidentified):
        what = (
            f"{count.wave}: {count.attributed} stations attributed to {count.bureau} "
            f"({count.rows} rows + {count.unidentified} unidentified)"
        )
        if count.attributed > count.reported:
            records = [
                (stations_name, station_lines[i], 1)
                for i in range(len(stations))
                if stations["wave"].iat[i] == count.wave and stations["bureau"].iat[i] == count.bureau
            ] + [
                (unidentified_name, unidentified_lines[i], int(unidentified["stations"].iat[i]))
                for i in range(len(unidentified))
                if unidentified["wave"].iat[i] == count.wave and unidentified["bureau"].iat[i] == count.bureau
            ]
            running = 0
            culprit = records[-1][:2]
            for file, line, n in records:
                running += n
                if running > count.reported:
                    culprit = (file, line)
                    break
            found.append(
                Problem(
                    *culprit, "bureau", f"{what}, more than the {count.reported} the report attributes to it"
                )
            )
        elif count.unknown_in_wave == 0 and count.attributed < count.reported:
            found.append(
                Problem(
                    unidentified_name,
                    1,
                    "bureau",
                    f"{what} != {count.reported} in the report, and no station of {count.wave} "
                    "has an unknown bureau left to make up the difference",
                )
            )
    return found
