"""Streamlit pieces every page shares: cached data, the filter sidebar synced with the URL,
notices, and downloads.

The pages stay thin: they call these functions and lay out what comes back.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from stations import export, mapping, model, publishers, reconcile, vocab
from stations.filters import KEYS, LIST_FIELDS, Filters, Options, escape_markdown
from stations.index import StationIndex, View
from stations.load import DataError, Dataset, load_dataset

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Where the data files are: ``STATIONS_DATA_DIR`` if set (tests, previews), else data/."""
    return Path(os.environ.get("STATIONS_DATA_DIR") or ROOT / "data")


#: Country outlines for the map's country layer, under the data directory (optional).
SHAPES = Path("boundaries") / "countries-110m.geojson"
WIDGET_KEYS = {key: f"filter_{key}" for key in KEYS}
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


#: The files a page's data is read from (their modification times key the cache).
DATA_FILES = ("stations.csv", "responses.csv", "unidentified.csv")


def _data_version() -> tuple[float, ...]:
    directory = data_dir()
    return tuple(
        (directory / name).stat().st_mtime_ns if (directory / name).exists() else 0.0
        for name in DATA_FILES
    )


# A resource, not data: every session shares the one copy (the pages never modify it) instead
# of unpickling its own on each run, and its index keeps the views already computed.
@st.cache_resource(show_spinner=False, max_entries=4)
def _load(data_dir: str, version: tuple[float, ...]) -> Data:
    dataset = load_dataset(data_dir)
    # Each source's outlet name and each row's best tier, once per data version.
    dataset = Dataset(
        stations=publishers.annotate(dataset.stations, dataset.register),
        responses=publishers.annotate(dataset.responses, dataset.register),
        register=dataset.register,
    )
    summary = model.country_actions(dataset.stations, dataset.responses)
    options = Options.from_stations(dataset.stations)
    unidentified = Path(data_dir) / "unidentified.csv"
    shapes = Path(data_dir) / SHAPES
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


def load_data() -> Data:
    """The validated data, cached on the files' modification times; a broken file stops the
    page with the validator's own messages instead of a traceback."""
    try:
        return _load(str(data_dir()), _data_version())
    except DataError as err:
        st.error("The data files are invalid, so nothing can be shown. Problems found:")
        st.code("\n".join(str(p) for p in err.problems[:200]), language=None)
        st.stop()
        raise  # unreachable: st.stop() raises


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


#: Streamlit's own parameters (embedding options): left alone, neither a filter nor a notice.
STREAMLIT_PARAMS = frozenset({"embed", "embed_options"})


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params if key not in STREAMLIT_PARAMS}


def _reset() -> None:
    for key in WIDGET_KEYS.values():
        st.session_state[key] = [] if key != WIDGET_KEYS["station"] else None


def current_filters(data: Data, page: str, fields: tuple[str, ...] = LIST_FIELDS) -> Filters:
    """Draw the filter sidebar and return the view, keeping URL and widgets in step.

    The address wins when it changed outside the widgets (a link was opened, or a page switch
    cleared it: then the view this session had is restored); otherwise the widgets win and the
    address is rewritten, so it always holds the current view.
    """
    state = st.session_state
    params = _url_params()
    notices: list[str] = []
    if params:
        from_url, notices = Filters.from_query_params(params, data.options)
    else:
        from_url = state.get("_filters", Filters())
    arrived = state.get("_page") != page
    state["_page"] = page
    if arrived or from_url != state.get("_synced"):
        for key in KEYS:
            state[WIDGET_KEYS[key]] = (
                getattr(from_url, key) if key == "station" else list(getattr(from_url, key))
            )
    _sidebar(data, fields)
    chosen = Filters(
        **{key: tuple(state.get(WIDGET_KEYS[key], ())) for key in LIST_FIELDS},
        station=state.get(WIDGET_KEYS["station"]),
    ).canonical(data.options)
    show_notices(notices)
    publish(chosen)
    return chosen


def current_view(data: Data, page: str = "data") -> Filters:
    """The view on a page without filter widgets: read from the link (or this session), kept
    in the address so the next page still has it."""
    params = _url_params()
    notices: list[str] = []
    if params:
        filters, notices = Filters.from_query_params(params, data.options)
    else:
        filters = st.session_state.get("_filters", Filters())
    st.session_state["_page"] = page
    show_notices(notices)
    publish(filters)
    return filters


def hidden_filters_note(filters: Filters, fields: tuple[str, ...]) -> None:
    """Say which filters set on another page still narrow this one."""
    labels = {"bureau": "bureau", "wave": "report", "country": "country", "action": "government action"}
    active = [
        f"{labels[key]}: {', '.join(getattr(filters, key))}"
        for key in LIST_FIELDS
        if key not in fields and getattr(filters, key)
    ]
    if active:
        st.caption("Also filtered, as set on the map page: " + "; ".join(escape_markdown(a) for a in active))


def show_notices(notices: list[str]) -> None:
    """One short notice for everything a link held that was dropped (values already escaped)."""
    if notices:
        st.warning(
            "Parts of this link were not understood and were ignored: " + "; ".join(notices) + ".",
            icon="⚠️",
        )


def publish(filters: Filters) -> None:
    """Write the view to the address bar (only when it changed) and remember it for this session."""
    state = st.session_state
    wanted = filters.to_query_params()
    if _url_params() != {k: [v] for k, v in wanted.items()}:
        st.query_params.from_dict(wanted)
    state["_synced"] = filters
    state["_filters"] = filters


def _sidebar(data: Data, fields: tuple[str, ...]) -> None:
    state = st.session_state
    draft = Filters(**{key: tuple(state.get(WIDGET_KEYS[key], ())) for key in LIST_FIELDS})
    with st.sidebar:
        st.header("Filters")
        labels = {
            "country": ("Host country", lambda v: data.options.countries.get(v, v)),
            "bureau": ("Operating bureau (China)", lambda v: v),
            "wave": ("Report", lambda v: vocab.WAVE_LABELS.get(v, v)),
            "action": (
                "Host government action",
                lambda v: vocab.ACTION_LABELS.get(v, v),
            ),
        }
        helps = {
            "country": "Type to search. The number is how many stations the option would show.",
            "bureau": "The Chinese public security bureau said to run the station.",
            "wave": "Which Safeguard Defenders report first listed the station.",
            "action": "Stations in countries whose government took this action at any time "
            "(from the responses table); 'No action reported' means none is recorded.",
        }
        for key in ("country", "bureau", "wave", "action"):
            if key not in fields:
                continue
            counts = data.index.facet_counts(draft, key)
            label, name = labels[key]
            st.multiselect(
                label,
                options=list(data.options.allowed(key)),
                format_func=lambda v, name=name, counts=counts: f"{name(v)} ({counts.get(v, 0)})",
                key=WIDGET_KEYS[key],
                placeholder="All",
                help=helps[key],
            )
        st.button("Reset filters", on_click=_reset, width="stretch")


def share_box(filters: Filters, page_path: str = "") -> None:
    """Show the link to this exact view, ready to copy."""
    query = "&".join(f"{k}={v}" for k, v in filters.to_query_params().items())
    with st.sidebar:
        st.subheader("Share this view")
        st.caption("The address bar always holds this view; this is the same link.")
        st.code(f"{page_path}?{query}" if query else (page_path or "/"), language=None)


def headline(view: pd.DataFrame) -> None:
    bureaus = sorted(set(view["bureau"]) - {"Unknown"})
    cols = st.columns(4)
    cols[0].metric("Stations", f"{len(view):,}")
    cols[1].metric("Countries", f"{view['iso2'].nunique():,}")
    cols[2].metric("Named bureaus", len(bureaus), help=", ".join(bureaus) or "none")
    cols[3].metric(
        "Location not published",
        int((view["city"] == "").sum()),
        help="Stations whose city was not published: shown at country level.",
    )


def downloads(view: pd.DataFrame, stem: str = "stations") -> None:
    """CSV and GeoJSON of exactly the rows in view, made when a button is clicked (not on
    every run) and without rerunning the page."""
    left, right = st.columns(2)
    left.download_button(
        f"Download these {len(view):,} stations (CSV)",
        data=lambda: export.to_csv_bytes(view),
        file_name=f"{stem}.csv",
        mime="text/csv",
        on_click="ignore",
        width="stretch",
    )
    right.download_button(
        f"Download these {len(view):,} stations (GeoJSON)",
        data=lambda: export.to_geojson_bytes(view),
        file_name=f"{stem}.geojson",
        mime="application/geo+json",
        on_click="ignore",
        width="stretch",
    )


def latest_change() -> str:
    """Date of the latest change to the data: from git where the app runs from a clone."""
    return _latest_change(_data_version())


@st.cache_data(show_spinner=False, max_entries=4)
def _latest_change(version: tuple[float, ...]) -> str:
    """Asked of git once per version of the data files, not on every run of the page."""
    try:
        out = subprocess.run(
            [
                "git",
                "log",
                "-1",
                "--format=%cs",
                "--",
                "data/stations.csv",
                "data/responses.csv",
            ],
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
    newest = max(version)
    return pd.Timestamp(newest, unit="ns").date().isoformat() if newest else "unknown"
