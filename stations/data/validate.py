"""Validate data files named on the command line (``python -m stations validate``).

Each file is read by its name, checked on its own, then against the others it refers to:
responses against stations, both against the publisher register, and the record of unidentified
stations with the stations against the reports' totals. This is the only place that needs ``load``
together with ``reconcile`` and ``names_zh``, which build on it: kept apart, none imports back.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from stations.data import load, names_zh, publishers, reconcile
from stations.data.load import Problem


def validate_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Problem]:
    """Validate files by their name; used by the CLI.

    ``*unidentified*.csv`` is the record of stations the reports counted but nobody identified,
    ``*response*.csv`` a responses file, anything else a stations file. Given a stations file
    and an unidentified file, the reports' totals (stations, countries, stations by bureau) are
    checked against both together.
    """
    paths = [Path(p) for p in paths]
    unidentified_paths = [p for p in paths if "unidentified" in p.name]
    responses_paths = [p for p in paths if "response" in p.name and p not in unidentified_paths]
    stations_paths = [p for p in paths if p not in unidentified_paths and p not in responses_paths]
    problems: list[Problem] = []  # the registers' own
    station_problems: list[Problem] = []
    response_problems: list[Problem] = []
    unidentified_problems: list[Problem] = []
    station_frames = []
    registers: dict[Path, publishers.Register | None] = {}

    def register_of(path: Path) -> publishers.Register | None:
        directory = path.parent
        if directory not in registers:
            registers[directory] = publishers.load_register(directory)
            if registers[directory] is not None:
                problems.extend(load.register_problems(registers[directory], directory))
        return registers[directory]

    stations_ok = True
    for path in stations_paths:
        frame, found = load.check_stations(path, str(path))
        station_frames.append(frame)
        station_problems += found
        stations_ok = stations_ok and not found
        register = register_of(path)
        if register is not None and not any(p.column == "header" or p.line == 0 for p in found):
            station_problems += load.source_problems(frame, str(path), register, stations=True)
        if not found:
            station_problems += names_zh.place_problems(frame, str(path), path.parent)
    stations_valid = not station_problems
    for path in responses_paths:
        frame, found = load.check_responses(path, str(path))
        if station_frames and stations_valid and not found:
            found += load.cross_file_problems(pd.concat(station_frames), frame, str(path))
        register = register_of(path)
        if register is not None and not any(p.column == "header" or p.line == 0 for p in found):
            found += load.source_problems(frame, str(path), register, stations=False)
        response_problems += found
    for path in unidentified_paths:
        frame, found = reconcile.check_unidentified(path, str(path))
        unidentified_problems += found
        if len(station_frames) == 1 and stations_ok and not found:
            stations = station_frames[0]
            unidentified_problems += reconcile.problems(stations, frame, str(path))
            unidentified_problems += reconcile.bureau_problems(
                stations, frame, str(stations_paths[0]), str(path)
            )
    # The root cause first: the register, then stations, then the files that refer to them.
    return [
        *sorted(set(problems)),
        *load.cap(sorted(set(station_problems))),
        *load.cap(sorted(set(response_problems))),
        *load.cap(sorted(set(unidentified_problems))),
    ]
