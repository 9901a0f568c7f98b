"""The online geocoder: geopy's Nominatim behind RateLimiter, with retries that back off.

Why this shape: Nominatim's usage policy allows one request per second and asks for a real
User-Agent; a batch job must also survive a flaky network without losing rows. Every failure is
turned into a short reason a person can read in the summary. A connection that cannot be made at
all raises ``Unreachable`` at once, so the caller can go offline for the rest of the run instead
of waiting on every row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from geopy.adapters import AdapterHTTPError
from geopy.exc import (
    GeocoderParseError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

DEFAULT_USER_AGENT = "overseas-police-stations-dashboard/1.0 (geocoding batch job)"
DEFAULT_DOMAIN = "nominatim.openstreetmap.org"
RETRYABLE = frozenset({"timeout", "rate_limited", "server", "dropped"})


class Unreachable(Exception):
    """No connection could be made (refused, DNS failure, no route): stop asking."""


class LookupFailed(Exception):
    """The geocoder answered with errors until the retries ran out; ``reason`` says which."""

    def __init__(self, reason: str, kind: str):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


@dataclass(frozen=True)
class ClientConfig:
    """How to reach the geocoder and how patient to be with it."""

    user_agent: str = DEFAULT_USER_AGENT
    domain: str = DEFAULT_DOMAIN
    scheme: str = "https"
    timeout: float = 10.0
    min_delay: float = 1.0  # seconds between request starts (Nominatim policy: >= 1)
    max_retries: int = 2  # further attempts after a timeout, a 429 or a 5xx
    backoff: float = 2.0  # first wait; doubles on each retry (a 429's Retry-After wins)
    max_backoff: float = 30.0


def _adapter_factory(proxies: Any, ssl_context: Any) -> Any:
    """geopy's requests adapter, but without urllib3's silent retries.

    The default adapter retries twice below geopy and reports a read timeout as "unavailable",
    which would hide timeouts and triple every wait; we retry ourselves, visibly, instead.
    """
    try:
        from geopy.adapters import RequestsAdapter

        return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
    except ImportError:  # requests missing: geopy's urllib adapter never retries anyway
        from geopy.adapters import URLLibAdapter

        return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)


def describe_error(error: GeocoderServiceError, timeout: float) -> tuple[str, str, float | None]:
    """(kind, reason, retry_after) for a geopy error, from the HTTP status where there is one."""
    status = None
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, AdapterHTTPError):
            status = cause.status_code
            break
        cause = cause.__cause__ or cause.__context__
    retry_after = getattr(error, "retry_after", None) if isinstance(error, GeocoderRateLimited) else None
    if status == 429:
        return "rate_limited", "HTTP 429 Too Many Requests", retry_after
    if status is not None and status >= 500:
        return "server", f"HTTP {status} server error", None
    if status is not None:
        return "rejected", f"HTTP {status} refused the query", None
    if isinstance(error, GeocoderTimedOut):
        return "timeout", f"no answer within {timeout:g} s (timeout)", None
    if _dropped(error):
        return "dropped", "the server dropped the connection", None
    if isinstance(error, GeocoderUnavailable):
        return "unreachable", f"cannot connect: {_short(str(error))}", None
    if isinstance(error, GeocoderParseError):
        return "bad_response", "the answer was not valid JSON", None
    return "error", _short(str(error)) or type(error).__name__, None


_DROP_WORDS = ("Connection aborted", "IncompleteRead", "RemoteDisconnected", "Connection reset")


def _dropped(error: BaseException) -> bool:
    """A connection that was made and then cut (retry it), unlike one refused (go offline)."""
    import http.client

    cause: BaseException | None = error
    while cause is not None:
        if isinstance(
            cause, (http.client.RemoteDisconnected, http.client.IncompleteRead, ConnectionResetError)
        ):
            return True
        if type(cause).__name__ in ("ProtocolError", "ChunkedEncodingError"):
            return True
        cause = cause.__cause__ or cause.__context__
    return any(word in str(error) for word in _DROP_WORDS)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Nominatim's ``addresstype`` (or ``type``) -> the precision it honestly supports.
_ADDRESS_TYPES = {
    "house",
    "building",
    "house_number",
    "amenity",
    "shop",
    "office",
    "tourism",
    "leisure",
    "craft",
    "emergency",
    "historic",
    "healthcare",
    "club",
    "apartments",
    "commercial",
}
_STREET_TYPES = {"road", "street", "pedestrian", "footway", "square"}
_CITY_TYPES = {
    "city",
    "town",
    "village",
    "hamlet",
    "suburb",
    "neighbourhood",
    "quarter",
    "city_district",
    "borough",
    "municipality",
    "locality",
    "isolated_dwelling",
    "city_block",
    "residential",
    "postcode",
    "croft",
    "farm",
    "allotments",
    "plot",
}
_COUNTRY_TYPES = {"country", "state", "region", "province", "county", "state_district", "district"}


def result_precision(raw: Mapping[str, Any]) -> str:
    """The precision a Nominatim result supports, read from what Nominatim says it found.

    Order of evidence: ``addresstype``, then ``class``/``category`` + ``type``, then
    ``place_rank`` (30 building/POI, 26-27 streets, 13-25 settlements and their parts).
    Regions (state, county) have no level of their own here and count as "country": a
    coordinate may under-claim, never over-claim. Without any evidence: "country".
    """
    addresstype = str(raw.get("addresstype") or "").lower()
    for kinds, level in (
        (_ADDRESS_TYPES, "address"),
        (_STREET_TYPES, "street"),
        (_CITY_TYPES, "city"),
        (_COUNTRY_TYPES, "country"),
    ):
        if addresstype in kinds:
            return level
    category = str(raw.get("category") or raw.get("class") or "").lower()
    kind = str(raw.get("type") or "").lower()
    if category == "building" or kind in ("house", "building"):
        return "address"
    if category == "highway":
        return "street"
    if category == "place" and kind in _CITY_TYPES:
        return "city"
    if category == "place" and kind in _COUNTRY_TYPES:
        return "country"
    try:
        rank = int(raw.get("place_rank"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "country"
    if rank >= 28:
        return "address"
    if rank >= 26:
        return "street"
    if rank >= 13:
        return "city"
    return "country"


_KEEP = (
    "lat",
    "lon",
    "display_name",
    "addresstype",
    "class",
    "category",
    "type",
    "place_rank",
    "osm_type",
    "osm_id",
)


class OnlineGeocoder:
    """One Nominatim client for a whole run; counts the requests it makes."""

    def __init__(self, config: ClientConfig, sleep: Callable[[float], None] = time.sleep):
        self.config = config
        self._sleep = sleep
        self.requests = 0
        nominatim = Nominatim(
            user_agent=config.user_agent,
            domain=config.domain,
            scheme=config.scheme,
            timeout=config.timeout,
            adapter_factory=_adapter_factory,
        )
        # RateLimiter spaces every call, retries included; retrying is done below, not by it.
        self._geocode = RateLimiter(
            nominatim.geocode,
            min_delay_seconds=config.min_delay,
            max_retries=0,
            swallow_exceptions=False,
        )

    def search(self, query: Mapping[str, str]) -> dict[str, Any] | None:
        """The best match as a dict of Nominatim's fields, or None if nothing matched.

        ``query`` is {"q": free text} or {"city": name}, plus "countrycodes" (iso2).
        Raises Unreachable or LookupFailed.
        """
        fields = {k: v for k, v in query.items() if k != "countrycodes"}
        geopy_query: str | dict[str, str] = fields["q"] if "q" in fields else dict(fields)
        attempt = 0
        while True:
            self.requests += 1
            try:
                location = self._geocode(
                    geopy_query, exactly_one=True, country_codes=query.get("countrycodes")
                )
            except GeocoderServiceError as error:
                kind, reason, retry_after = describe_error(error, self.config.timeout)
                if kind == "unreachable":
                    raise Unreachable(reason) from error
                if kind not in RETRYABLE or attempt >= self.config.max_retries:
                    tries = f" (after {attempt + 1} attempts)" if attempt else ""
                    raise LookupFailed(reason + tries, kind) from error
                wait = self.config.backoff * (2**attempt)
                if retry_after:
                    wait = max(wait, float(retry_after))
                self._sleep(min(wait, self.config.max_backoff))
                attempt += 1
                continue
            if location is None:
                return None
            raw = dict(location.raw)
            kept = {k: raw[k] for k in _KEEP if k in raw}
            kept["lat"], kept["lon"] = float(location.latitude), float(location.longitude)
            return kept
