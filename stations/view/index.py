"""Fast views of the stations: what each filter shows, computed on arrays built once per data
version, and cached per view.

``Filters.apply`` (pandas, one column scan per filter) stays the reference definition of a
view; this index gives the same rows with integer codes and ``numpy``, plus what every page
derives from a view (facet counts, the map's station JSON, the picker's labels), each computed
once per view and shared by every session. The tests hold the two to the same answers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from json.encoder import encode_basestring
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from stations.data import model, publishers, vocab
from stations.map import mapping
from stations.view import facets
from stations.view.filters import LIST_FIELDS, Filters, Options

#: Column of ``stations`` behind each filter that is a plain value match.
_COLUMNS = facets.COLUMNS
#: Views kept per data version (each holds its rows and its map JSON).
CACHED_VIEWS = 8
#: Values kept per view by ``View.remember`` (each can be as large as the view's map).
MEMO_PER_VIEW = 4
T = TypeVar("T")


@dataclass(eq=False)
class View:
    """The stations one view shows, and what the pages derive from them (each built once)."""

    index: StationIndex
    positions: np.ndarray  # row positions in index.stations, in file order
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.positions)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The rows of the view (read-only by convention: the frame is shared)."""
        return self.index.stations.take(self.positions)

    @cached_property
    def stations_json(self) -> str:
        """``mapping.script_json(mapping.station_payload(frame))``, from per-station pieces."""
        return self.index.stations_json(self.positions)

    @cached_property
    def labels(self) -> dict[str, str]:
        """Station id -> readable label for the picker."""
        ids = self.index.station_ids[self.positions]
        return dict(zip(ids.tolist(), self.index.labels[self.positions].tolist(), strict=True))

    @cached_property
    def id_set(self) -> frozenset[str]:
        return frozenset(self.index.station_ids[self.positions].tolist())

    @cached_property
    def layer(self) -> mapping.LayerData:
        """The map layer's JSON for this view (stations, their countries, their outlines)."""
        summary = self.index.summary
        return mapping.layer_data(
            self.frame,
            summary.loc[summary.index.isin(self.frame["iso2"])],
            self.index.shapes,
            stations_json=self.stations_json,
        )

    def derived(self, name: str, make: Callable[[pd.DataFrame], T]) -> T:
        """``make(frame)``, made once per view and then shared (``name`` keys it)."""
        found = self._derived.get(name)
        if found is None:
            found = self._derived.setdefault(name, make(self.frame))
        return found

    def memo(self, key: Hashable) -> Any:
        """What ``remember`` kept for this view under ``key`` (None if nothing is kept)."""
        return self._memo.get(key)

    def remember(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` for this view under ``key`` (what a page made from the view and
        options of its own, such as the map's arguments for one selected station). At most
        ``MEMO_PER_VIEW`` are kept, the oldest dropped first: some options (the selected
        station) have as many values as there are stations."""
        with self.index._lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_PER_VIEW:
                self._memo.pop(next(iter(self._memo)))


@dataclass(eq=False)
class StationIndex:
    """Integer codes of each filterable column and per-station text, for one data version."""

    stations: pd.DataFrame
    summary: pd.DataFrame
    options: Options
    shapes: Mapping[str, Any] | None = None  # country outlines for the map's country layer
    _codes: dict[str, np.ndarray] = field(init=False, repr=False)
    _actions: np.ndarray = field(init=False, repr=False)  # countries x action options
    _views: OrderedDict[tuple[tuple[str, ...], ...], View] = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._codes = {}
        for key, column in _COLUMNS.items():
            allowed = self.options.allowed(key)
            values = self.stations[column]
            outside = ~values.isin(allowed)
            if outside.any():
                unknown = sorted(set(values[outside]))
                raise ValueError(f"{column} values outside the options: {unknown[:5]}")
            self._codes[key] = pd.Categorical(values, categories=allowed).codes.astype(np.int32)
        countries = self.options.allowed("country")
        actions = self.options.allowed("action")
        taken = np.zeros((len(countries), len(actions)), dtype=np.int64)
        position = {a: i for i, a in enumerate(actions)}
        for row, iso2 in enumerate(countries):
            done = self.summary.at[iso2, "actions"] if iso2 in self.summary.index else frozenset()
            for action in done or (vocab.NO_ACTION,):
                taken[row, position[action]] = 1
        self._actions = taken
        self._views = OrderedDict()
        self._lock = threading.Lock()

    # -- views -------------------------------------------------------------------------

    def _mask(self, filters: Filters, skip: str | None = None) -> np.ndarray:
        keep = np.ones(len(self.stations), dtype=bool)
        for key in LIST_FIELDS:
            chosen = getattr(filters, key)
            if key == skip or not chosen:
                continue
            allowed = self.options.allowed(key)
            picked = [allowed.index(v) for v in chosen if v in allowed]
            if key == "action":
                keep &= self._actions[:, picked].any(axis=1)[self._codes["country"]]
            else:
                wanted = np.zeros(len(allowed), dtype=bool)
                wanted[picked] = True
                keep &= wanted[self._codes[key]]
        return keep

    def view(self, filters: Filters) -> View:
        """The stations ``filters`` shows (the selected station does not narrow a view)."""
        key = tuple(getattr(filters, k) for k in LIST_FIELDS)
        with self._lock:
            found = self._views.get(key)
            if found is not None:
                self._views.move_to_end(key)
                return found
        made = View(self, np.flatnonzero(self._mask(filters)))
        with self._lock:
            found = self._views.setdefault(key, made)
            self._views.move_to_end(key)
            while len(self._views) > CACHED_VIEWS:
                self._views.popitem(last=False)
        return found

    def facet_counts(self, filters: Filters, key: str) -> dict[str, int]:
        """How many stations each option of one filter would show, given the other filters."""
        keep = self._mask(filters, skip=key)
        allowed = self.options.allowed(key)
        if key == "action":
            per_country = np.bincount(self._codes["country"][keep], minlength=len(self.options.countries))
            counts = per_country @ self._actions
        else:
            counts = np.bincount(self._codes[key][keep], minlength=len(allowed))
        return {option: int(n) for option, n in zip(allowed, counts, strict=True) if n}

    # -- per-station text ------------------------------------------------------------

    @cached_property
    def station_ids(self) -> np.ndarray:
        return self.stations["station_id"].to_numpy(dtype=object)

    @cached_property
    def labels(self) -> np.ndarray:
        frame = self.stations
        place = (frame["city"] + ", " + frame["country"]).where(
            frame["city"] != "", frame["country"] + " (location not published)"
        )
        return (place + " · " + frame["bureau"] + " · " + frame["station_id"]).to_numpy(dtype=object)

    @cached_property
    def _json_pieces(self) -> dict[str, np.ndarray]:
        """Each payload field of each station as a JSON value (not yet escaped for a script)."""
        frame = self.stations.assign(address=model.public_address(self.stations))
        pieces: dict[str, np.ndarray] = {}
        for name in mapping.PAYLOAD_FIELDS:
            series = frame[name]
            if name in ("lat", "lon"):
                values = [repr(round(float(v), 5)) for v in series.tolist()]
            elif name == "sources":
                values = [
                    "["
                    + ",".join(
                        f"[{encode_basestring(url)},{encode_basestring(label)}]" for url, label in pairs
                    )
                    + "]"
                    for pairs in publishers.source_pairs(frame)
                ]
            else:
                values = [encode_basestring(str(v)) for v in series.tolist()]
            pieces[name] = np.array(values, dtype=object)
        return pieces

    def stations_json(self, positions: np.ndarray) -> str:
        """The map's station table for these rows, exactly as ``mapping.station_json`` makes it.

        Escaping for a script block is character-wise and the joins add only ``,[]{}":`` next
        to whole JSON values, so escaping the joined text equals escaping each piece.
        """
        pieces = self._json_pieces
        columns = ",".join(
            f'"{name}":[' + ",".join(pieces[name][positions].tolist()) + "]"
            for name in mapping.PAYLOAD_FIELDS
        )
        return mapping.escape_for_script(f'{{"n":{len(positions)},"columns":{{{columns}}}}}')
