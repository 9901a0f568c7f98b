"""The persistent geocoder cache (data/geocache.json), so that a re-run asks no one anything.

Keys are normalised queries serialised as compact JSON with sorted keys, so that the same
question always finds the same answer however the row spelled it. Values keep the geocoder's
own description of the result (addresstype, category, type, place_rank), not our precision
verdict, so that the verdict can be improved later without asking again. A query that found
nothing is cached too ({"found": false}): it would find nothing again.

The file is rewritten atomically (stations.atomic) after every new answer, so a killed run
keeps everything it paid for.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geo.gazetteer import normalise
from stations.atomic import atomic_write_text

DEFAULT_PATH = Path("data/geocache.json")
FORMAT_VERSION = 1


def query_key(query: Mapping[str, str]) -> str:
    """A stable key for a query: fields normalised (case, accents, spacing) and sorted.

    Commas and house numbers matter in an address, so address text is only case- and
    space-normalised here, not stripped the way a city name is.
    """
    cleaned = {}
    for field, value in query.items():
        text = " ".join(str(value).split())
        cleaned[field] = (
            text.casefold() if field == "q" else normalise(text) if field != "countrycodes" else text.lower()
        )
    return json.dumps(cleaned, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class GeoCache:
    """A dict of query key -> stored answer, persisted as pretty, sorted, diff-friendly JSON."""

    def __init__(self, path: str | os.PathLike[str], entries: dict[str, dict[str, Any]] | None = None):
        self.path = Path(path)
        self.entries: dict[str, dict[str, Any]] = entries or {}

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> GeoCache:
        """Read the cache; a missing file is an empty cache, a corrupt one is an error."""
        target = Path(path)
        if not target.exists():
            return cls(target)
        try:
            data = json.loads(target.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ValueError(f"{target}: not a valid geocoder cache: {err}") from err
        if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
            raise ValueError(f"{target}: not a valid geocoder cache: no 'entries' object")
        return cls(target, dict(data["entries"]))

    def get(self, query: Mapping[str, str]) -> dict[str, Any] | None:
        return self.entries.get(query_key(query))

    def put(self, query: Mapping[str, str], answer: dict[str, Any]) -> None:
        self.entries[query_key(query)] = answer
        self.save()

    def dumps(self) -> str:
        return (
            json.dumps(
                {"version": FORMAT_VERSION, "entries": self.entries},
                sort_keys=True,
                ensure_ascii=False,
                indent=1,
            )
            + "\n"
        )

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.path, self.dumps())
