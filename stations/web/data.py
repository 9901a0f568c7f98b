"""The data every page shows: built once per version of the files, kept while a newer version
fails its checks, and served to every session (with the files as served and their date).

A page calls ``load_data`` first; what it shows is derived from the ``Data`` it returns.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import streamlit as st

from stations import settings
from stations.data import datapackage, dataversion, model, names_zh, reconcile
from stations.data.files import DATA_FILES, REQUIRED_FILES, SHAPES, load_annotated
from stations.data.load import Dataset
from stations.i18n import TRADITIONAL, language
from stations.map import mapping
from stations.view.filters import Filters, Options
from stations.view.index import StationIndex, View

ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Where the data files are: ``STATIONS_DATA_DIR`` if set (tests, previews), else data/."""
    return Path(settings.DATA_DIR.read() or ROOT / "data")


@dataclass(frozen=True)
class Data:
    """Everything the pages need, derived once per data version."""

    dataset: Dataset
    summary: pd.DataFrame
    options: Options
    index: StationIndex
    #: data/unidentified.csv (stations the reports counted that no source identifies), if present.
    unidentified: pd.DataFrame | None = None

    @property
    def stations(self) -> pd.DataFrame:
        return self.dataset.stations

    @property
    def responses(self) -> pd.DataFrame:
        return self.dataset.responses

    @cached_property
    def waves(self) -> list[reconcile.Wave]:
        """Each report's count against the rows identified here (empty without unidentified.csv)."""
        if self.unidentified is None:
            return []
        return reconcile.reconcile(self.stations, self.unidentified)

    def view(self, filters: Filters) -> View:
        """The stations ``filters`` shows, cached and shared by every session."""
        return self.index.view(filters)


def _build(directory: Path) -> Data:
    # Each source's outlet name and each row's best tier, once per data version.
    dataset = load_annotated(directory)
    summary = model.country_actions(dataset.stations, dataset.responses)
    options = Options.from_stations(dataset.stations, summary)
    unidentified = directory / "unidentified.csv"
    shapes = directory / SHAPES
    return Data(
        dataset=dataset,
        summary=summary,
        options=options,
        index=StationIndex(
            dataset.stations,
            summary,
            options,
            shapes=mapping.load_country_shapes(shapes) if shapes.exists() else None,
        ),
        unidentified=reconcile.load_unidentified(unidentified) if unidentified.exists() else None,
    )


_places: dict[tuple[str, float], dict[str, dict[tuple[str, str], str]]] = {}


def city_names(lang: str) -> dict[tuple[str, str], str]:
    """``(iso2, city) -> name`` in ``lang`` from the register ``places_zh.csv`` (read again only
    when it changes); empty in English, without the register, or for a city it does not name
    (pages then show the data's English name). A register with defects is still read: the
    validator reports them, and a page shows a checked name or the English one."""
    if language(lang).catalog is None:
        return {}
    path = data_dir() / names_zh.PLACES_FILE
    try:
        stamp = (str(path), path.stat().st_mtime)
    except FileNotFoundError:
        return {}
    found = _places.get(stamp)
    if found is None:
        places, _ = names_zh.read_places(path)
        found = {script: names_zh.city_names(places, script) for script in names_zh.SCRIPTS}
        _places.clear()
        _places[stamp] = found
    return found["Hant" if lang == TRADITIONAL else "Hans"]


def city_label(iso2: str, city: str, lang: str) -> str:
    """A station's city as a page in ``lang`` names it (the English name where none is known)."""
    return city_names(lang).get((iso2, city), city) if city else city


def city_words(lang: str) -> dict[str, str]:
    """English city -> its name in ``lang``, for the map's words (``stations.map.words``)."""
    return {city: name for (_, city), name in city_names(lang).items()}


def start_data(directory: Path | None = None) -> dataversion.LastGood[Data]:
    """The process-wide keeper of the app's data files (``data_dir()`` by default), its first
    check begun in the background on first call. A server calls it at start-up, so that the
    first reader finds the data checked; ``dataversion.status(data_dir())`` then says whether
    valid data is being served. Needs no Streamlit session."""
    return dataversion.start(
        directory or data_dir(), DATA_FILES, _build, required=REQUIRED_FILES, date_of=_data_date
    )


def _served() -> dataversion.Served[Data]:
    return start_data().current()


#: How long a page run waits for the first check of the data files before it runs again.
CHECK_WAIT_S = 20.0


def _checked(
    keeper: dataversion.LastGood[Data], served: dataversion.Served[Data]
) -> dataversion.Served[Data]:
    """Wait for a check of the data files when there is nothing to show yet, saying so: never
    an empty list of problems. The run is started again after ``CHECK_WAIT_S`` seconds, so the
    page shows the data (or the problems) once the check is done."""
    note = st.empty()
    deadline = time.monotonic() + CHECK_WAIT_S
    while served.value is None and served.checking:
        # Each element written is also where Streamlit can stop this run (a rerun, a disconnect).
        note.info("Checking the data files…", icon=":material/hourglass_top:")
        if time.monotonic() > deadline:
            st.rerun()
        served = keeper.wait(1.0)
    note.empty()
    return served


def load_data() -> Data:
    """The last version of the data files that validated (see stations/data/dataversion.py).

    A broken update never replaces it: readers get a one-line note with the date of what they
    see and the problems go to the server log. Only when no version has ever validated does the
    page stop, saying the files are being checked, or listing the problems by file name (never
    the server's paths).
    """
    keeper = start_data()
    served = keeper.current()
    if served.value is None:
        served = _checked(keeper, served)
    if served.value is None:
        st.error("The data files are invalid, so nothing can be shown. Problems found:")
        st.code("\n".join(served.problems[:200]), language=None)
        st.stop()
        raise AssertionError("unreachable: st.stop() raises")
    # The published map follows the version served (built in the background when it changes).
    from stations.web import published

    published.ensure(served, data_dir())
    if served.held_back:
        st.caption(f"Data as of {served.date}. A newer update is held back until it passes its checks.")
    return served.value


def served_file(name: str) -> bytes | None:
    """The bytes of data file ``name`` (one of ``DATA_FILES``) in the version being served:
    what a "download the full file" button gives, even while the file on disk is broken."""
    return _served().files.get(name)


def latest_change() -> str:
    """Date of the latest change to the data being shown."""
    return _served().date or "unknown"


def recorded_version() -> datapackage.DataVersion | None:
    """The data version datapackage.json records, parsed again only when the file changes
    (every page's downloads name it, on every run)."""
    path = data_dir() / datapackage.PACKAGE_FILE
    stamp = (str(path), dataversion.signature([path]))
    found = _versions.get(stamp)
    if found is None:
        _versions.clear()
        found = _versions[stamp] = (datapackage.data_version(path.parent),)
    return found[0]


_versions: dict[tuple[str, dataversion.Signature], tuple[datapackage.DataVersion | None]] = {}


def _data_date(directory: Path) -> str:
    """Asked once per version of the data: as recorded with the data version in datapackage.json
    (a deployed image has no git); else from git where the app runs from a clone, else the
    newest file's modification date."""
    recorded = datapackage.data_version(directory)
    if recorded:
        return recorded.date
    out = ""
    if directory.resolve() == (ROOT / "data").resolve():
        try:
            out = subprocess.run(
                ["git", "log", "-1", "--format=%cs", "--", "data/stations.csv", "data/responses.csv"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
    if out:
        return out
    times = [p.stat().st_mtime_ns for p in (directory / n for n in REQUIRED_FILES) if p.exists()]
    return pd.Timestamp(max(times), unit="ns").date().isoformat() if times else "unknown"
