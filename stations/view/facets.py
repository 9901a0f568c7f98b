"""One record per filter: everything the code knows about a filter, and everything it does.

A filter's key (its URL parameter and ``Filters`` field), the data column it matches, its values
and their names, how it is spelled in a link, the sidebar's label, help and count caption, how a
sentence says it ("in Italy, Spain", "bureau Qingtian"), and its part of a download's file name
all live on its record, so every page, link, count, embed line and file name reads them from here.

Adding a filter takes two edits in two files: a record in ``FACETS`` below (a plain column with a
vocabulary needs nothing more than ``Facet(key, column, label, short, help, vocabulary, names)``),
and a field of the same name in ``stations.view.filters.Filters`` (it sets the filter's place in
the address). The sidebar, the link, the index's counts, the map's data, the embed line and the
download names then carry it; ``tests/test_facets.py`` adds one that way and checks each. A filter
whose match is derived rather than read from a column is a subclass, as ``ActionFacet`` is.
Plain Python: no Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stations.data import model, vocab
from stations.i18n import ENGLISH, N_, country_label, gettext, ngettext, pgettext
from stations.view import country_search

#: Characters a file name keeps (others become ``-``), and the most values of one filter named.
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
MAX_NAMED_VALUES = 4
#: The most values of one filter a one-line summary spells out.
MAX_SAID_VALUES = 3


@dataclass(frozen=True)
class Facet:
    """One list filter of the view (AND across facets, OR within one), matched on a column."""

    key: str
    #: The stations column matched value for value (None for a derived match: override
    #: ``values``, ``match`` and ``incidence``).
    column: str | None
    label: str
    #: The filter's name inside a sentence ("remove the bureau filter").
    short: str
    help: str
    #: Every value the filter knows, in the order menus and links list them; the options are
    #: those some station has (``values``).
    vocabulary: tuple[str, ...] = ()
    #: The reader's name of a value (menus, chips, captions); the value itself if absent.
    names: Mapping[str, str] = field(default_factory=dict)
    #: A shorter name for a one-line summary, where it differs from ``names``.
    short_names: Mapping[str, str] = field(default_factory=dict)
    #: How a one-line summary introduces the chosen values (default: ``short``).
    said: str = ""
    #: The count caption's lead, before each chosen option's count.
    counted: str = N_("Stations with the other filters")
    #: The filter's word in a download's file name (default: its key).
    file_word: str = ""
    #: Values are lower-cased in a link (bureau names read better that way in an address).
    lower_in_url: bool = False

    # -- values and names --------------------------------------------------------------

    def values(self, stations: pd.DataFrame, summary: pd.DataFrame | None = None) -> tuple[str, ...]:
        """The options: values of the vocabulary that some station has, in its order (a value
        no station has would only ever show an empty map). ``summary``: the host countries'
        actions (``model.country_actions``), for a facet matched on them."""
        present = set(stations[self.column].unique()) if self.column else set()
        return tuple(v for v in self.vocabulary if v in present)

    def option_label(self, value: str, countries: Mapping[str, str], lang: str = ENGLISH) -> str:
        """What the reader sees for one option: a name, never a count, so that the widget's
        options stay the same strings whatever else is filtered (Streamlit hands a
        multiselect's value back and forth as these strings). In English, the names of this
        record; in Chinese, the catalogs' (the bureaus: their official names)."""
        if lang == ENGLISH:
            return self.names.get(value, value)
        if self.key == "bureau":
            return vocab.bureau_labels(lang).get(value, value)
        return gettext(self.names[value], lang) if value in self.names else value

    def title(self, lang: str) -> str:
        """The filter's label in ``lang`` (its menu's label)."""
        return gettext(self.label, lang)

    def help_text(self, lang: str) -> str:
        return gettext(self.help, lang)

    def short_in(self, lang: str) -> str:
        """The filter's name inside a sentence, in ``lang``."""
        return gettext(self.short, lang)

    def search_menu(
        self, allowed: Sequence[str], countries: Mapping[str, str], lang: str = ENGLISH
    ) -> country_search.CountryMenu | None:
        """A menu that finds an option by more than its label, or None: the option labels suffice."""
        return None

    def spellings(self, allowed: Sequence[str], countries: Mapping[str, str]) -> dict[str, str]:
        """Lower-cased spelling a link may use -> value."""
        return {v.lower(): v for v in allowed}

    def url_value(self, value: str) -> str:
        return value.lower() if self.lower_in_url else value

    # -- words ---------------------------------------------------------------------------

    def describe(self, chosen: Sequence[str], countries: Mapping[str, str], lang: str = ENGLISH) -> str:
        """The chosen values in a sentence: ``bureau Qingtian``, ``in Italy, Spain and 2 more``;
        in Chinese ``公安局：青田县公安局``."""
        if lang != ENGLISH:
            names = [self.option_label(v, countries, lang) for v in chosen]
            # TRANSLATORS: separates the names of several chosen options (Italy, Spain).
            shown = pgettext("list", ", ", lang).join(names[:MAX_SAID_VALUES])
            if len(names) > MAX_SAID_VALUES:
                more = len(names) - MAX_SAID_VALUES
                shown = ngettext("{names} and {count} more", "{names} and {count} more", more, lang).format(
                    names=shown, count=more
                )
            # TRANSLATORS: a filter and its chosen options in a one-line summary (country: Italy).
            return gettext("{filter}: {options}", lang).format(filter=self.short_in(lang), options=shown)
        names = [self.short_names.get(v) or self.option_label(v, countries) for v in chosen]
        shown = ", ".join(names[:MAX_SAID_VALUES])
        if len(names) > MAX_SAID_VALUES:
            shown += f" and {len(names) - MAX_SAID_VALUES} more"
        return f"{self.said or self.short} {shown}"

    def name_part(self, chosen: Sequence[str]) -> str:
        """The filter's part of a download's file name, ``country-IT-NL`` ("" when not set):
        letters, digits and ``-`` only, at most ``MAX_NAMED_VALUES`` values named."""
        values = [v for v in (_UNSAFE.sub("-", self.url_value(c)).strip("-")[:40] for c in chosen) if v]
        if len(values) > MAX_NAMED_VALUES:
            extra = len(values) - (MAX_NAMED_VALUES - 1)
            values = [*values[: MAX_NAMED_VALUES - 1], f"and-{extra}-more"]
        return f"{self.file_word or self.key}-{'-'.join(values)}" if values else ""

    # -- matching --------------------------------------------------------------------------

    def match(self, stations: pd.DataFrame, chosen: Sequence[str], summary: pd.DataFrame) -> pd.Series:
        """The reference match (pandas, one scan): which stations one of ``chosen`` keeps."""
        return stations[self.column].isin(chosen)

    def incidence(
        self, stations: pd.DataFrame, summary: pd.DataFrame, allowed: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The match as arrays for the index: ``(codes, table)``, where station ``i`` has option
        ``j`` when ``table[codes[i], j]``. A column's table is the identity; a derived match
        (the host country's actions) has one row per group of stations."""
        values = stations[self.column]
        outside = ~values.isin(allowed)
        if outside.any():
            unknown = sorted(set(values[outside]))
            raise ValueError(f"{self.column} values outside the options: {unknown[:5]}")
        codes = pd.Categorical(values, categories=list(allowed)).codes.astype(np.int32)
        return codes, np.eye(len(allowed), dtype=np.int64)


@dataclass(frozen=True)
class CountryFacet(Facet):
    """The host country: its options and names come from the data (no fixed vocabulary)."""

    def values(self, stations: pd.DataFrame, summary: pd.DataFrame | None = None) -> tuple[str, ...]:
        pairs = stations.drop_duplicates("iso2").sort_values("country")
        return tuple(pairs["iso2"])

    def option_label(self, value: str, countries: Mapping[str, str], lang: str = ENGLISH) -> str:
        """The data's own name in English; CLDR's in Chinese (意大利 / 義大利)."""
        return country_label(value, countries.get(value, value), lang)

    def search_menu(
        self, allowed: Sequence[str], countries: Mapping[str, str], lang: str = ENGLISH
    ) -> country_search.CountryMenu:
        """The menu also finds a country by its other names and codes, in either script."""
        return country_search.menu(countries, allowed, lang)

    def spellings(self, allowed: Sequence[str], countries: Mapping[str, str]) -> dict[str, str]:
        """Codes and names alike: ``?country=italy`` is ``IT``."""
        lookup = super().spellings(allowed, countries)
        lookup.update({name.lower(): iso2 for iso2, name in countries.items()})
        return lookup


@dataclass(frozen=True)
class ActionFacet(Facet):
    """What the host government did: a fact about the country, which every station in it shares
    (a station "with" an action is one in a country whose government took it, at any time).

    The options are the actions some host country's government took (and "no action
    reported" while some country has none), as for every filter: an action no government took
    would only ever show an empty map. Without the countries' actions, every action is one.
    """

    def option_label(self, value: str, countries: Mapping[str, str], lang: str = ENGLISH) -> str:
        """``Government: Arrests``: the action is the host government's, never the station's."""
        if lang == ENGLISH:
            return self.names.get(value, value)
        if value == vocab.NO_ACTION:
            return gettext(self.names[value], lang)
        # TRANSLATORS: an option of the action filter: what a host government did.
        return gettext("Government: {action}", lang).format(action=gettext(vocab.ACTION_LABELS[value], lang))

    def values(self, stations: pd.DataFrame, summary: pd.DataFrame | None = None) -> tuple[str, ...]:
        if summary is None:
            return self.vocabulary
        hosts = summary.loc[summary.index.isin(stations["iso2"])]
        taken = set().union(*hosts["actions"]) if len(hosts) else set()
        if (hosts["strongest_action"] == vocab.NO_ACTION).any():
            taken.add(vocab.NO_ACTION)
        return tuple(v for v in self.vocabulary if v in taken)

    def match(self, stations: pd.DataFrame, chosen: Sequence[str], summary: pd.DataFrame) -> pd.Series:
        return stations["iso2"].isin(model.countries_with_action(summary, tuple(chosen)))

    def incidence(
        self, stations: pd.DataFrame, summary: pd.DataFrame, allowed: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """One row per host country: the actions its government took (``NO_ACTION`` if none)."""
        countries = sorted(set(stations["iso2"]))
        codes = pd.Categorical(stations["iso2"], categories=countries).codes.astype(np.int32)
        table = np.zeros((len(countries), len(allowed)), dtype=np.int64)
        position = {a: i for i, a in enumerate(allowed)}
        for row, iso2 in enumerate(countries):
            done = summary.at[iso2, "actions"] if iso2 in summary.index else frozenset()
            for action in done or (vocab.NO_ACTION,):
                if action in position:
                    table[row, position[action]] = 1
        return codes, table


#: What a host government did, as the action filter names it: never a fact about one station.
GOVERNMENT_ACTIONS = {
    **{a: f"Government: {vocab.ACTION_LABELS[a]}" for a in vocab.ACTION_TYPES},
    vocab.NO_ACTION: N_("No government action reported"),
}

#: In the order the sidebar shows them (country first: readers start from a place).
FACETS: tuple[Facet, ...] = (
    CountryFacet(
        "country",
        "iso2",
        N_("Host country"),
        N_("country"),
        N_("Type a few letters and press Enter to pick the best match."),
        said="in",
    ),
    Facet(
        "bureau",
        "bureau",
        N_("Operating bureau (China)"),
        N_("bureau"),
        N_("The Chinese public security bureau said to run the station. 'Unknown': no source names one."),
        vocabulary=vocab.BUREAUS,
        lower_in_url=True,
    ),
    Facet(
        "wave",
        "wave",
        N_("Report"),
        N_("report"),
        N_("Which Safeguard Defenders report first listed the station."),
        vocabulary=vocab.WAVES,
        names=vocab.WAVE_LABELS,
        short_names={
            "sep-2022": "first report (Sept 2022)",
            "dec-2022": "second report (Dec 2022)",
            "later": "later reporting",
        },
        said="listed in",
    ),
    ActionFacet(
        "action",
        None,
        N_("Host government action (whole country)"),
        N_("host government action"),
        N_(
            "Shows every station in a country whose government took this action, at any time (from "
            "the responses table): a fact about the host country, not about the station. "
            "'No government action reported': none is recorded for the country."
        ),
        vocabulary=(*vocab.ACTION_TYPES, vocab.NO_ACTION),
        names=GOVERNMENT_ACTIONS,
        short_names={**vocab.ACTION_LABELS, vocab.NO_ACTION: "none reported"},
        said="in countries whose government's action was",
        counted=N_("Stations in countries whose government took it, with the other filters"),
        file_word="government-action",
    ),
)
BY_KEY: dict[str, Facet] = {facet.key: facet for facet in FACETS}
