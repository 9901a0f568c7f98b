"""Filling lat/lon/geo_precision/geo_source row by row, from the most precise field that has a value.

The rules that protect people and the truth live here, in one place:
- a row whose ``geo_source`` is ``manual`` is never changed;
- a private residence is never looked up below city level, whatever its address cell holds;
- a coordinate never claims more precision than its source gave (nor than the query asked for);
- a failure of the online geocoder costs precision, never a row: the gazetteer takes over.

For a city the offline gazetteer answers first (no request needed); the geocoder is asked for
addresses, and for cities the gazetteer does not list.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tqdm import tqdm

from geo import boundaries, coarser, gazetteer
from geo.cache import GeoCache
from geo.client import LookupFailed, OnlineGeocoder, Unreachable, result_precision
from geo.csvio import Table

#: After this many rows in a row whose lookups failed even after retries, stop asking.
GIVE_UP_AFTER = 3


@dataclass
class Summary:
    """What a run did, for the closing report (and for tests)."""

    rows: int = 0
    to_do: int = 0
    done: int = 0
    from_cache: int = 0
    requests: int = 0
    by_precision: Counter[str] = field(default_factory=Counter)
    by_source: Counter[str] = field(default_factory=Counter)
    fallbacks: list[tuple[str, str]] = field(default_factory=list)  # (station_id, why coarser)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (station_id, why no coordinates)
    manual_kept: list[str] = field(default_factory=list)
    offline_reason: str | None = None
    changed_rows: int = 0
    written: bool = False

    def lines(self) -> list[str]:
        def counts(counter: Counter[str]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "none"

        out = [
            f"rows: {self.rows} in file, {self.to_do} to geocode, {self.done} done, "
            f"{len(self.failures)} failed, {len(self.manual_kept)} manual kept",
            f"requests: {self.requests}; from cache: {self.from_cache}",
            f"by precision: {counts(self.by_precision)}",
            f"by source: {counts(self.by_source)}",
        ]
        if self.offline_reason:
            out.append(f"offline: {self.offline_reason}")
        out.append(f"fell back to a coarser level ({len(self.fallbacks)}):")
        out += [f"  {sid}: {why}" for sid, why in self.fallbacks]
        out.append(f"failures ({len(self.failures)}):")
        out += [f"  {sid}: {why}" for sid, why in self.failures]
        return out


@dataclass(frozen=True)
class Fix:
    lat: float
    lon: float
    precision: str
    source: str


def format_degrees(value: float) -> str:
    """At most 6 decimals (about 0.1 m), no trailing zeros: stable text for stable diffs."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class Geocoder:
    """One run over one table: holds the cache, the online client (if any) and the summary."""

    def __init__(
        self,
        cache: GeoCache,
        online: OnlineGeocoder | None,
        say: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
    ):
        self.cache = cache
        self.online = online
        self.say = say
        self.summary = Summary()
        self._failed_in_a_row = 0

    # -- one query, through the cache and, if still online, the geocoder --------------------------
    def _ask(
        self, query: dict[str, str], refresh: bool, notes: list[str], what: str
    ) -> tuple[dict[str, Any] | None, bool]:
        """(answer or None, came from cache). Records why nothing came back in ``notes``."""
        cached = self.cache.get(query)
        if cached is not None and not (refresh and self.online is not None):
            if not cached.get("found", True):
                notes.append(f"{what}: no match (cached answer)")
                return None, True
            return cached, True
        if self.online is None:
            notes.append(f"{what} not looked up (offline, not in cache)")
            return None, False
        try:
            answer = self.online.search(query)
        except Unreachable as err:
            self._go_offline(f"network unreachable ({err})")
            notes.append(f"{what}: network unreachable")
            return None, False
        except LookupFailed as err:
            notes.append(f"{what}: {err.reason}")
            self._failed_in_a_row += 1
            if self._failed_in_a_row >= GIVE_UP_AFTER:
                self._go_offline(
                    f"the geocoder failed for {GIVE_UP_AFTER} rows in a row (last: {err.reason})"
                )
            return None, False
        finally:
            if self.online is not None:
                self.summary.requests = self.online.requests
        self._failed_in_a_row = 0
        stored = dict(answer) if answer else {"found": False}
        stored["fetched"] = date.today().isoformat()
        self.cache.put(query, stored)
        if answer is None:
            notes.append(f"{what}: no match")
        return answer, False

    def _go_offline(self, reason: str) -> None:
        if self.online is not None:
            self.summary.requests = self.online.requests
        self.online = None
        if self.summary.offline_reason is None:
            self.summary.offline_reason = reason
            self.say(f"geo: {reason}: continuing offline (cache and gazetteer only)")

    def _from_answer(
        self, answer: dict[str, Any], cached: bool, cap: str, iso2: str, notes: list[str], what: str
    ) -> Fix | None:
        lat, lon = float(answer["lat"]), float(answer["lon"])
        if boundaries.in_country(lat, lon, iso2) is False:
            notes.append(f"{what}: result lies outside {iso2} ({answer.get('display_name', '')[:60]})")
            return None
        precision = coarser(result_precision(answer), cap)
        return Fix(lat, lon, precision, "cache" if cached else "geocoder")

    # -- one row --------------------------------------------------------------------------------
    def locate(
        self, city: str, address: str, iso2: str, private: bool, refresh: bool
    ) -> tuple[Fix | None, list[str]]:
        """The best honest fix for a row, and notes on every level that could not be used."""
        notes: list[str] = []
        countrycodes = iso2.lower()
        if address and not private:
            text = address
            if city and f" {gazetteer.normalise(city)} " not in f" {gazetteer.fold(address)} ":
                text = f"{address}, {city}"
            query = {"q": text, "countrycodes": countrycodes}
            answer, cached = self._ask(query, refresh, notes, "address")
            if answer is not None:
                fix = self._from_answer(answer, cached, "address", iso2, notes, "address")
                if fix is not None and fix.precision != "country":
                    self.summary.from_cache += cached
                    return fix, notes
                if fix is not None:
                    notes.append("address: the geocoder matched only a region")
        elif address and private:
            notes.append("private residence: address ignored, city level at most")
        if city:
            place = gazetteer.find_city(city, iso2)
            if place is not None:
                return Fix(place.lat, place.lon, "city", "gazetteer"), notes
            notes.append(f"city '{city}' not in GeoNames (population >= 15,000)")
            answer, cached = self._ask({"city": city, "countrycodes": countrycodes}, refresh, notes, "city")
            if answer is not None:
                fix = self._from_answer(answer, cached, "city", iso2, notes, "city")
                if fix is not None and fix.precision == "city":
                    self.summary.from_cache += cached
                    return fix, notes
                if fix is not None:
                    notes.append("city: the geocoder matched only a region")
        place = gazetteer.find_country(iso2)
        if place is not None:
            return Fix(place.lat, place.lon, "country", "gazetteer"), notes
        notes.append(f"no boundary for {iso2}")
        return None, notes

    def run(
        self, table: Table, refresh: frozenset[str] = frozenset(), progress: bool | None = None
    ) -> Summary:
        """Fill every row that lacks coordinates (or is named in ``refresh``); returns the summary."""
        summary = self.summary
        summary.rows = len(table.rows)
        work = []
        for i in range(len(table.rows)):
            station_id = table.get(i, "station_id")
            if table.get(i, "geo_source") == "manual":
                summary.manual_kept.append(station_id)
                if station_id in refresh:
                    self.say(f"geo: {station_id} is manual: never overwritten, not refreshed")
                if not table.get(i, "lat").strip():
                    summary.failures.append((station_id, "manual row without coordinates: add them by hand"))
                continue
            if station_id in refresh or not table.get(i, "lat").strip() or not table.get(i, "lon").strip():
                work.append(i)
        summary.to_do = len(work)
        show = sys.stderr.isatty() if progress is None else progress
        bar = tqdm(work, desc="geocoding", unit="row", disable=not show or not work, file=sys.stderr)
        if show:
            self.say = bar.write
        for i in bar:
            station_id = table.get(i, "station_id")
            private = table.get(i, "private_residence") == "true"
            address, city = table.get(i, "address").strip(), table.get(i, "city").strip()
            fix, notes = self.locate(city, address, table.get(i, "iso2"), private, station_id in refresh)
            if fix is None:
                summary.failures.append((station_id, "; ".join(notes)))
                continue
            best = "address" if address and not private else "city" if city else "country"
            if fix.precision != best and notes:
                summary.fallbacks.append(
                    (station_id, f"{fix.precision} from {fix.source}: " + "; ".join(notes))
                )
            elif fix.precision != best:
                summary.fallbacks.append(
                    (
                        station_id,
                        f"{fix.precision} from {fix.source}: the geocoder matched only the {fix.precision}",
                    )
                )
            table.set(i, "lat", format_degrees(fix.lat))
            table.set(i, "lon", format_degrees(fix.lon))
            table.set(i, "geo_precision", fix.precision)
            table.set(i, "geo_source", fix.source)
            summary.done += 1
            summary.by_precision[fix.precision] += 1
            summary.by_source[fix.source] += 1
        bar.close()
        if self.online is not None:
            summary.requests = self.online.requests
        summary.changed_rows = len(table.changed)
        return summary
