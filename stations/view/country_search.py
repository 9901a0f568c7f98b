"""Finding a country by what readers type: common names, short forms and codes.

The country menu is Streamlit's multiselect, which filters and orders its options in the
browser as the reader types, by its "fuzzy" mode: each option's label is scored as fzy scores it
(a match at the start of the label or of a word counts most, consecutive letters more, and a
label as long as the typed text scores above all), and Enter picks the first option. With the
country names alone, "UK" + Enter picked Ukraine (a prefix beats United Kingdom's two word
starts) and "Britain", "Czechia" or "Holland" found nothing.

So the menu lists each country once by its name, then one search entry for each other name or
code that would otherwise lead Enter to the wrong country or to nothing, labelled with that
name and the country ("Holland · Netherlands"), or the bare term when only a label as short as
the term can come first ("UK"). Picking an entry picks its country: the view, the link and the
chip hold the country (:meth:`CountryMenu.resolve`).

Names and codes come from ISO 3166 as pycountry keeps it (name, common name, alpha-2 code);
:data:`ALIASES` adds the few names in everyday English that no ISO name holds, and the one
alpha-3 code readers type (USA: the others, DEU or GBR, would only crowd the menu).
:func:`streamlit_order` is Streamlit 1.67's browser ordering, written again in Python (its
``fuzzyFilterSelectOptions``, an fzy port), so that the entries are chosen, and tested, against
what the reader's browser will do; a Chromium test checks the two agree.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pycountry

from stations.i18n import ENGLISH, SIMPLIFIED, TRADITIONAL, country_label, country_name

#: Everyday English names that no ISO 3166 name or code gives, by country code.
ALIASES: dict[str, tuple[str, ...]] = {
    "GB": ("UK", "Britain", "Great Britain"),  # ISO: GB, "United Kingdom of Great Britain and ..."
    "NL": ("Holland",),
    "US": ("USA", "America"),  # USA is also the alpha-3 code
}
#: An entry's option value: this prefix and the term (never a country code, which has none).
ENTRY_PREFIX = "="
#: Separates a search entry's term from its country's name in the menu.
ENTRY_JOIN = " · "


def terms(iso2: str, name: str) -> tuple[str, ...]:
    """Every other way to type the country ``iso2`` (named ``name`` in the data)."""
    found: list[str] = []
    country = pycountry.countries.get(alpha_2=iso2)
    if country is not None:
        found.append(country.alpha_2)  # alpha-3 codes only where readers use them (ALIASES)
        for other in (getattr(country, "common_name", None), country.name):
            if other and "," not in other:  # "Korea, Republic of" is no one's spelling
                found.append(other)
    found += ALIASES.get(iso2, ())
    seen = {name.casefold()}
    unique = []
    for term in found:
        if term.casefold() not in seen:
            seen.add(term.casefold())
            unique.append(term)
    return tuple(unique)


# Streamlit's browser ordering (fzy) ----------------------------------------------------------

_MATCH_SLASH, _MATCH_WORD, _MATCH_CAPITAL, _MATCH_DOT = 0.9, 0.8, 0.7, 0.6
_GAP_LEADING, _GAP_TRAILING, _GAP_INNER = -0.005, -0.005, -0.01
_CONSECUTIVE = 1.0


def _bonuses(label: str) -> list[float]:
    out, previous = [], "/"
    for char in label:
        if previous == "/":
            out.append(_MATCH_SLASH)
        elif previous in "-_ ":
            out.append(_MATCH_WORD)
        elif previous == ".":
            out.append(_MATCH_DOT)
        elif previous.lower() == previous and char.upper() == char:
            out.append(_MATCH_CAPITAL)
        else:
            out.append(0.0)
        previous = char
    return out


def fuzzy_match(typed: str, label: str) -> bool:
    """Whether ``label`` holds the typed letters in order (case-insensitive)."""
    at = 0
    label = label.lower()
    for char in typed.lower():
        at = label.find(char, at) + 1
        if at == 0:
            return False
    return True


def fuzzy_score(typed: str, label: str) -> float:
    """fzy's score of ``label`` for ``typed``, as Streamlit computes it in the browser."""
    n, m = len(typed), len(label)
    if not n or not m:
        return -math.inf
    if typed == label or n == m:
        return math.inf
    if m > 1024:
        return -math.inf
    needle, hay, bonus = typed.lower(), label.lower(), _bonuses(label)
    best_prev: list[float] = []
    match_prev: list[float] = []
    for i in range(n):
        gap = _GAP_TRAILING if i == n - 1 else _GAP_INNER
        best_row, match_row = [-math.inf] * m, [-math.inf] * m
        running = -math.inf
        for j in range(m):
            if needle[i] == hay[j]:
                if i == 0:
                    score = j * _GAP_LEADING + bonus[j]
                elif j:
                    score = max(best_prev[j - 1] + bonus[j], match_prev[j - 1] + _CONSECUTIVE)
                else:
                    score = -math.inf
                match_row[j] = score
                running = max(score, running + gap)
            else:
                running += gap
            best_row[j] = running
        best_prev, match_prev = best_row, match_row
    return best_prev[m - 1]


def streamlit_order(typed: str, labels: Iterable[tuple[str, str]]) -> list[str]:
    """The keys of ``(key, label)`` pairs in the order Streamlit's menu lists them for
    ``typed`` (matches only; best first; ties keep the menu's order)."""
    hits = [(key, label) for key, label in labels if fuzzy_match(typed, label)]
    return [key for key, label in sorted(hits, key=lambda pair: -fuzzy_score(typed, pair[1]))]


# The menu --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountryMenu:
    """The country menu's options: the codes, then the search entries."""

    options: tuple[str, ...]
    labels: Mapping[str, str]
    targets: Mapping[str, str] = field(default_factory=dict)  # entry -> country code

    def label(self, value: str) -> str:
        return self.labels.get(value, value)

    def resolve(self, values: Iterable[str]) -> list[str]:
        """The countries ``values`` (codes and entries) pick, each once, in the order picked."""
        return list(dict.fromkeys(self.targets.get(v, v) for v in values))

    def first_for(self, typed: str) -> str | None:
        """The country Enter picks after typing ``typed`` (what the browser will do)."""
        order = streamlit_order(typed, ((value, self.label(value)) for value in self.options))
        return self.targets.get(order[0], order[0]) if order else None


def chinese_names(iso2: str) -> tuple[str, ...]:
    """The country's CLDR names in Simplified and Traditional Chinese (意大利, 義大利), for a
    search in either script whatever the interface language; none for a code CLDR lacks."""
    found: list[str] = []
    for lang in (SIMPLIFIED, TRADITIONAL):
        try:
            found.append(country_name(iso2, lang))
        except KeyError:
            continue
    return tuple(dict.fromkeys(found))


def menu(countries: Mapping[str, str], codes: Sequence[str], lang: str = ENGLISH) -> CountryMenu:
    """The menu for the countries ``codes`` in ``lang``, made once per set and language: named
    by ``countries`` (the data's English names) in English, by CLDR in Chinese; every menu also
    finds a country by its English names and codes and by its names in both Chinese scripts."""
    named = []
    for code in codes:
        english = countries.get(code, code)
        label = country_label(code, english, lang)
        others = (*((english,) if label != english else ()), *terms(code, english), *chinese_names(code))
        named.append((code, label, tuple(dict.fromkeys(others))))
    return _menu(tuple(named))


@functools.lru_cache(maxsize=8)
def _menu(named: tuple[tuple[str, str, tuple[str, ...]], ...]) -> CountryMenu:
    labels = {code: name for code, name, _ in named}
    taken = {label.casefold() for label in labels.values()}
    entries: dict[str, str] = {}
    entry_labels: dict[str, str] = {}

    def pairs() -> list[tuple[str, str]]:
        return [*labels.items(), *entry_labels.items()]

    for code, name, others in named:
        for term in others:
            if term.casefold() in taken:
                continue
            value = ENTRY_PREFIX + term
            if value in entries or _first(term, pairs(), entries) == code:
                continue
            for label in (f"{term}{ENTRY_JOIN}{name}", term):
                entry_labels[value], entries[value] = label, code
                if _first(term, pairs(), entries) == code:
                    break
            taken.add(entry_labels[value].casefold())
    ordered = sorted(entry_labels, key=lambda value: entry_labels[value].casefold())
    return CountryMenu(
        options=(*labels, *ordered),
        labels={**labels, **{value: entry_labels[value] for value in ordered}},
        targets=dict(entries),
    )


def _first(typed: str, pairs: list[tuple[str, str]], entries: Mapping[str, str]) -> str | None:
    order = streamlit_order(typed, pairs)
    return entries.get(order[0], order[0]) if order else None
