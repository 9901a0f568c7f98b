"""The current view as one immutable value, and its round trip through the URL.

Every page reads the view with ``Filters.from_query_params`` and writes it back with
``to_query_params``, so a copied link always reproduces what its sender saw. Whatever a link
holds that is not understood is dropped and described in a notice; nothing in a URL can raise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

import pandas as pd

from stations.i18n import DEFAULT, N_, gettext, parse_lang, pgettext
from stations.view import facets

#: Parameters that newsletters, social networks and ad platforms append to every link they
#: carry: not a filter and not a typo, so they are ignored without a notice.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "ref_url", "s_cid", "mkt_tok",
        "li_fat_id", "_hsenc", "_hsmi", "oly_anon_id", "oly_enc_id", "vero_id", "rb_clickid",
        "ocid", "cmpid", "at_medium", "at_campaign", "wt_mc", "sr_share",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
#: Longest value accepted for one parameter; a longer one is dropped whole.
MAX_VALUE_LENGTH = 2_000
#: Longest piece of a rejected value quoted back in a notice.
QUOTE_LENGTH = 40
#: Parameters of the app's frame itself (Streamlit's embedding switches): neither a filter nor a
#: notice.
APP_PARAMS = frozenset({"embed", "embed_options"})

#: What a notice says of each part of a link that was dropped (``str.format`` templates, in
#: English; a page shows them through ``gettext``). The published map's script fills the same
#: English ones, see ``stations.view.grammar``. ``{key}`` is the parameter as the link spells it.
NOTICES = {
    # TRANSLATORS: {value} is the parameter's name as the link spells it, quoted.
    "unknown_parameter": N_("unknown parameter {value}"),
    "repeated": N_("parameter {key} was given {count} times: kept the first"),
    "too_long": N_("the value of {key} is too long ({length} characters)"),
    "unknown_station": N_("unknown station {value}"),
    # TRANSLATORS: {key} is a link's parameter (country, bureau, lang), {value} what it held.
    "unknown_value": N_("unknown {key} {value}"),
}
#: How the notices are introduced to the reader, and what is said of a station the filters
#: leave out.
NOTICE_LEAD = N_("Parts of this link were not understood and were ignored: ")
STATION_OUTSIDE = N_(
    "The selected station is outside the current filters, so it is not shown. Reset the filters to see it."
)


#: The link's language parameter (``?lang=zh-Hans``), read tolerantly by ``parse_lang``.
LANG = "lang"


def is_tracking_param(key: str) -> bool:
    """True for a link decoration added by whoever carried the link (``utm_source``, ``fbclid``)."""
    lowered = str(key).strip().lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


@dataclass(frozen=True)
class Options:
    """The values a link may name, taken from the data."""

    countries: Mapping[str, str]  # iso2 -> country name, in display order
    station_ids: frozenset[str]
    #: Each filter's options (``Facet.values``); a filter missing here offers its whole vocabulary.
    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_stations(cls, stations: pd.DataFrame, summary: pd.DataFrame | None = None) -> Options:
        """The options of ``stations``; ``summary`` (the host countries' actions) narrows the
        action filter's to the actions taken."""
        pairs = stations.drop_duplicates("iso2").sort_values("country")
        return cls(
            countries=dict(zip(pairs["iso2"], pairs["country"], strict=True)),
            station_ids=frozenset(stations["station_id"]),
            values={facet.key: facet.values(stations, summary) for facet in facets.FACETS},
        )

    def allowed(self, key: str) -> tuple[str, ...]:
        """The options of filter ``key``, in their order."""
        facet = facets.BY_KEY[key]
        if key in self.values:
            return self.values[key]
        return tuple(self.countries) if isinstance(facet, facets.CountryFacet) else facet.vocabulary


def quote(value: str) -> str:
    """A rejected value, shortened and made inert for a Markdown notice."""
    text = "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in value)
    if len(text) > QUOTE_LENGTH:
        text = text[: QUOTE_LENGTH - 1] + "\N{HORIZONTAL ELLIPSIS}"
    return "'" + escape_markdown(text) + "'"


def escape_markdown(text: str) -> str:
    """Backslash-escape every Markdown/HTML special character so text shows as typed."""
    special = set("\\`*_{}[]()<>#+-.!|~:$&\"'=")
    return "".join("\\" + ch if ch in special else ch for ch in text)


@dataclass(frozen=True)
class Filters:
    """What the reader chose: empty tuples mean "all"; ``lang`` the interface language (a code of
    ``stations.i18n.CODES``; None: not chosen, the page speaks ``DEFAULT``). The language is part
    of the view so that a link reproduces what its sender read, but it is not a filter: it
    narrows nothing and ``is_default`` ignores it."""

    bureau: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    wave: tuple[str, ...] = ()
    action: tuple[str, ...] = ()
    station: str | None = None
    lang: str | None = None

    @classmethod
    def from_query_params(
        cls, params: Mapping[str, str | Sequence[str]], options: Options, lang: str | None = None
    ) -> tuple[Filters, list[str]]:
        """Parse a link's parameters; return the filters and a notice per dropped part, in the
        language the page will be read in: the link's own ``lang``, else ``lang`` (the browser's),
        else the default."""
        notices: list[str] = []
        values: dict[str, object] = {}
        said = _notice_language(params, lang)

        def notice(kind: str, **parts: object) -> str:
            return gettext(NOTICES[kind], said).format(**parts)

        for key in sorted(params, key=str):
            raw = params[key]
            items = [raw] if isinstance(raw, str) else [str(v) for v in raw]
            if key not in KEYS and is_tracking_param(key):
                continue
            if key not in KEYS:
                notices.append(notice("unknown_parameter", value=quote(str(key))))
                continue
            if not items:
                continue
            if len(items) > 1:
                notices.append(notice("repeated", key=quote(key), count=len(items)))
            value = items[0]
            if len(value) > MAX_VALUE_LENGTH:
                notices.append(notice("too_long", key=quote(key), length=len(value)))
                continue
            if key == LANG:
                code = parse_lang(value)
                if code is None and value.strip():
                    notices.append(notice("unknown_value", key=key, value=quote(value)))
                values[LANG] = code
            elif key == "station":
                station = _match_station(value, options)
                if station is None and value.strip():
                    notices.append(notice("unknown_station", value=quote(value)))
                values["station"] = station
            else:
                kept, rejected = _parse_list(key, value, options)
                notices += [notice("unknown_value", key=key, value=quote(r)) for r in rejected]
                values[key] = kept
        return cls(**values), notices  # type: ignore[arg-type]

    def to_query_params(self) -> dict[str, str]:
        """The canonical parameters: only what differs from "all", lists comma-joined (in the
        order of this class's fields)."""
        params: dict[str, str] = {}
        for key in LIST_FIELDS:
            chosen = getattr(self, key)
            if chosen:
                params[key] = ",".join(facets.BY_KEY[key].url_value(v) for v in chosen)
        if self.station:
            params["station"] = self.station
        if self.lang:
            params[LANG] = self.lang
        return params

    def with_values(self, **changes: object) -> Filters:
        """A copy with some fields replaced, lists put in canonical order."""
        normalised: dict[str, object] = {}
        for key, value in changes.items():
            normalised[key] = tuple(value) if key in LIST_FIELDS else value  # type: ignore[arg-type]
        return replace(self, **normalised)  # type: ignore[arg-type]

    def canonical(self, options: Options) -> Filters:
        """The same view with each list in the options' order, as a parsed link has it, so that
        a view compares equal however its values were picked; values that are not options are
        dropped, and a list naming every option is the empty list ("all" has one spelling)."""
        ordered = {}
        for key in LIST_FIELDS:
            allowed = options.allowed(key)
            chosen = set(getattr(self, key))
            kept = tuple(v for v in allowed if v in chosen)
            ordered[key] = () if len(kept) == len(allowed) else kept
        return replace(self, **ordered)

    def without(self, key: str) -> Filters:
        """The same view with one filter lifted: used for the counts next to its options."""
        return replace(self, **{key: () if key in LIST_FIELDS else None})

    @property
    def is_default(self) -> bool:
        """No filter and no station chosen (whatever the language)."""
        return all(not getattr(self, key) for key in (*LIST_FIELDS, "station"))

    @property
    def language(self) -> str:
        """The language the view is read in: the chosen one, else the default."""
        return self.lang or DEFAULT

    def mask(self, stations: pd.DataFrame, summary: pd.DataFrame) -> pd.Series:
        """Rows of ``stations`` inside this view (AND across filters, OR within one): the
        reference definition, which ``stations.view.index`` answers faster."""
        keep = pd.Series(True, index=stations.index)
        for facet in facets.FACETS:
            chosen = getattr(self, facet.key)
            if chosen:
                keep &= facet.match(stations, chosen, summary)
        return keep

    def apply(self, stations: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
        return stations[self.mask(stations, summary)]


#: The list filters, in the address's order (``Filters``' fields; each is a facet's key).
LIST_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Filters) if f.name not in ("station", LANG))
KEYS = (*LIST_FIELDS, "station", LANG)
if set(LIST_FIELDS) != set(facets.BY_KEY):
    raise TypeError(f"Filters' list fields {LIST_FIELDS} and the facets {tuple(facets.BY_KEY)} differ")


def _notice_language(params: Mapping[str, str | Sequence[str]], fallback: str | None) -> str:
    """The language a link's notices are written in: its first ``lang`` if understood."""
    given = params.get(LANG)
    first = given if isinstance(given, str) else next(iter(given or ()), None)
    return parse_lang(first) or fallback or DEFAULT


def notice_text(notices: Sequence[str], lang: str) -> str:
    """The one notice a page shows for a link's dropped parts (each already in ``lang``)."""
    if not notices:
        return ""
    # TRANSLATORS: separates the parts of a link that were not understood.
    joined = pgettext("notices", "; ", lang).join(notices)
    return gettext(NOTICE_LEAD, lang) + joined + pgettext("sentence end", ".", lang)


def _parse_list(key: str, value: str, options: Options) -> tuple[tuple[str, ...], list[str]]:
    allowed = options.allowed(key)
    lookup = facets.BY_KEY[key].spellings(allowed, options.countries)
    chosen: set[str] = set()
    rejected: list[str] = []
    for piece in value.split(","):
        item = piece.strip()
        if not item:
            continue
        match = lookup.get(item.lower())
        if match is None:
            rejected.append(item)
        else:
            chosen.add(match)
    if len(chosen) == len(allowed):  # every option is no filter: "all" has one spelling
        return (), rejected
    return tuple(a for a in allowed if a in chosen), rejected


def _match_station(value: str, options: Options) -> str | None:
    wanted = value.strip()
    if wanted in options.station_ids:
        return wanted
    lowered = {s.lower(): s for s in options.station_ids}
    return lowered.get(wanted.lower())
