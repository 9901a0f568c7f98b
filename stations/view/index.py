"""Fast views of the stations: what each filter shows, computed on arrays built once per data
version, and cached per view.

``Filters.apply`` (pandas, one column scan per filter) stays the reference definition of a
view; this index gives the same rows with integer codes and ``numpy``, plus what every page
derives from a view (facet counts, the picker's labels, and through ``kept`` what other rooms
derive: the map's data, ``stations.map.payload``), each computed once per view and shared by
every session. The tests hold the two to the same answers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from stations.view import facets
from stations.view.filters import LIST_FIELDS, Filters, Options

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
    def labels(self) -> dict[str, str]:
        """Station id -> readable label for the picker."""
        ids = self.index.station_ids[self.positions]
        return dict(zip(ids.tolist(), self.index.labels[self.positions].tolist(), strict=True))

    @cached_property
    def id_set(self) -> frozenset[str]:
        return frozenset(self.index.station_ids[self.positions].tolist())

    def derived(self, name: str, make: Callable[[pd.DataFrame], T]) -> T:
        """``make(frame)``, made once per view and then shared (``name`` keys it)."""
        return self.kept(name, lambda view: make(view.frame))

    def kept(self, name: str, make: Callable[[View], T]) -> T:
        """``make(view)``, made once per view and then shared (``name`` keys it): what another
        room derives from a view (the map's data: ``stations.map.payload``)."""
        found = self._derived.get(name)
        if found is None:
            found = self._derived.setdefault(name, make(self))
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
    #: Per filter, ``(codes, table)`` from ``Facet.incidence``.
    _incidence: dict[str, tuple[np.ndarray, np.ndarray]] = field(init=False, repr=False)
    _kept: dict[str, Any] = field(init=False, repr=False)
    _views: OrderedDict[tuple[tuple[str, ...], ...], View] = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._incidence = {
            facet.key: facet.incidence(self.stations, self.summary, self.options.allowed(facet.key))
            for facet in facets.FACETS
        }
        self._kept = {}
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
            codes, table = self._incidence[key]
            keep &= table[:, picked].any(axis=1)[codes]
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
        codes, table = self._incidence[key]
        counts = np.bincount(codes[keep], minlength=len(table)) @ table
        return {option: int(n) for option, n in zip(self.options.allowed(key), counts, strict=True) if n}

    def kept(self, name: str, make: Callable[[StationIndex], T]) -> T:
        """``make(index)``, made once per data version and then shared (``name`` keys it)."""
        with self._lock:
            found = self._kept.get(name)
        if found is None:
            made = make(self)
            with self._lock:
                found = self._kept.setdefault(name, made)
        return found

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
