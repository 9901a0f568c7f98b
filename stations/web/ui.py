"""Streamlit pieces every page shares: cached data, page links, metrics and downloads (the
filter sidebar and the view's state are in ``stations.web``).

The pages stay thin: they call these functions and lay out what comes back.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.logger import get_logger

from stations.data import datapackage, dataversion, export, model, publishers, reconcile
from stations.data.load import Dataset, load_dataset
from stations.map import mapping
from stations.view import citation
from stations.view.credit import Credit
from stations.view.filters import Filters, Options
from stations.view.index import StationIndex, View
from stations.web import state, static_guard, throttle

ROOT = Path(__file__).resolve().parents[2]
# The package's loggers write to the server log the way Streamlit's own do (data problems go there).
get_logger("stations")
# Each session's script runs are rate-limited from the first page run on (stations/web/throttle.py).
throttle.install()
# And static/ serves no dotfile from then on (stations/web/static_guard.py).
static_guard.install()


def data_dir() -> Path:
    """Where the data files are: ``STATIONS_DATA_DIR`` if set (tests, previews), else data/."""
    return Path(os.environ.get("STATIONS_DATA_DIR") or ROOT / "data")


#: Country outlines for the map's country layer, under the data directory (optional).
SHAPES = Path("boundaries") / "countries-110m.geojson"
TITLE = "110 Overseas: China's reported overseas police stations"


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


def _build(directory: Path) -> Data:
    dataset = load_dataset(directory)
    # Each source's outlet name and each row's best tier, once per data version.
    dataset = Dataset(
        stations=publishers.annotate(dataset.stations, dataset.register),
        responses=publishers.annotate(dataset.responses, dataset.register),
        register=dataset.register,
    )
    summary = model.country_actions(dataset.stations, dataset.responses)
    options = Options.from_stations(dataset.stations)
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
    if served.held_back:
        st.caption(f"Data as of {served.date}. A newer update is held back until it passes its checks.")
    return served.value


PAGES = (
    ("app.py", "Map", ":material/map:"),
    ("pages/1_Government_responses.py", "Government responses", ":material/gavel:"),
    ("pages/2_Data_and_sources.py", "Data & sources", ":material/description:"),
)


def page_setup(title: str) -> DeltaGenerator:
    """Configure the page; return the sidebar slot where ``navigation`` will draw the links."""
    st.set_page_config(page_title=title, page_icon="🗺️", layout="wide")
    return st.sidebar.container()


def navigation(slot: DeltaGenerator, filters: Filters) -> None:
    """Links to the pages that carry the current view along (Streamlit's own page menu would
    drop the address's parameters, and with them the view)."""
    params = filters.to_query_params()
    with slot:
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon, query_params=params)
        st.divider()


@dataclass(frozen=True)
class HeadlineFigures:
    """The four headline figures of a view."""

    stations: int
    countries: int
    bureaus: tuple[str, ...]  # named bureaus, sorted
    unplaced: int  # stations whose city was not published

    @classmethod
    def of(cls, view: pd.DataFrame) -> HeadlineFigures:
        return cls(
            stations=len(view),
            countries=int(view["iso2"].nunique()),
            bureaus=tuple(sorted(set(view["bureau"]) - {"Unknown"})),
            unplaced=int((view["city"] == "").sum()),
        )


def headline(view: pd.DataFrame | View) -> None:
    """The view's four figures in a row (computed once per view when given a cached view).

    One horizontal container rather than four columns: the same row, and four fewer layout
    blocks sent on every run (each element a run sends costs server CPU, bench/server.py)."""
    figures = (
        view.derived("headline", HeadlineFigures.of) if isinstance(view, View) else HeadlineFigures.of(view)
    )
    with st.container(horizontal=True, gap="medium"):
        st.metric("Stations", f"{figures.stations:,}")
        st.metric("Countries", f"{figures.countries:,}")
        st.metric("Named bureaus", len(figures.bureaus), help=", ".join(figures.bureaus) or "none")
        st.metric(
            "Location not published",
            figures.unplaced,
            help="Stations whose city was not published: shown at country level.",
        )


#: The CSV downloads' help: how they open in a spreadsheet.
CSV_HELP = "UTF-8 with a byte-order mark, so Excel shows every accent and script as written."


def downloads(view: pd.DataFrame, stem: str = "stations", credit: Credit | None = None) -> None:
    """CSV and GeoJSON of exactly the rows in view, made when a button is clicked (not on
    every run) and without rerunning the page; the GeoJSON carries ``credit`` (licence, data
    version, citation, link to the view) as its metadata."""
    # One row of two (a horizontal container: fewer layout blocks than two columns).
    row = st.container(horizontal=True)
    what = f"{len(view):,} station" + ("" if len(view) == 1 else "s")
    row.download_button(
        f"Download these {what} (CSV)",
        data=lambda: export.to_csv_bytes(view),
        file_name=download_name(stem, "csv"),
        mime="text/csv",
        on_click="ignore",
        width="stretch",
        disabled=view.empty,
        help=CSV_HELP,
    )
    row.download_button(
        f"Download these {what} (GeoJSON)",
        data=lambda: export.to_geojson_bytes(view, export.provenance(credit) if credit else None),
        file_name=download_name(stem, "geojson"),
        mime="application/geo+json",
        on_click="ignore",
        width="stretch",
        disabled=view.empty,
    )


def served_file(name: str) -> bytes | None:
    """The bytes of data file ``name`` (one of ``DATA_FILES``) in the version being served:
    what a "download the full file" button gives, even while the file on disk is broken."""
    return _served().files.get(name)


def latest_change() -> str:
    """Date of the latest change to the data being shown."""
    return _served().date or "unknown"


def download_name(kind: str, ext: str) -> str:
    """A download's file name: what it holds, the view in the address, the data version."""
    recorded = _recorded_version()
    params = {key: ",".join(values) for key, values in state.url_params().items()}
    return citation.download_name(kind, params, recorded.version if recorded else None, ext)


def _recorded_version() -> datapackage.DataVersion | None:
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
