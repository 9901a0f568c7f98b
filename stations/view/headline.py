"""The first sentence of the map page: what the view is, and apart from it how the whole data
reconciles with the reports.

Readers quote the first number they see, so the lead says exactly what is in view, in words:
how many stations, which filter (each facet's own words, ``Facet.describe``), whether they come
from Safeguard Defenders' reports or later reporting, and which bureaus run them (the
reporter's first question). The dataset-wide reconciliation (what the reports counted, what
could be identified, what was reported later) is a note of its own: set beside a filtered
count it read as a fact about the view ("90 are located here", read as "in Italy"). Figures
are derived from the data and ``data/unidentified.csv``, never written into the code. Plain
Python: no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from stations.data import reconcile, vocab
from stations.i18n import ENGLISH, format_number, gettext, ngettext, pgettext
from stations.view import embed
from stations.view.filters import Filters, escape_markdown


def counted(n: int, one: str, many: str = "") -> str:
    """``1 station``, ``2 stations``: a count with its noun in the right number."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def bureau_mix(view: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    """The bureaus of the stations in ``view`` with their counts, most first; unknown last."""
    counts = view["bureau"].value_counts()
    named = sorted(((b, int(n)) for b, n in counts.items() if b != "Unknown"), key=lambda p: (-p[1], p[0]))
    unknown = int(counts.get("Unknown", 0))
    return (*named, *((("unknown", unknown),) if unknown else ()))


@dataclass(frozen=True)
class Headline:
    """The figures of the lead and of the dataset note."""

    in_view: int
    #: Stations the reports counted (cumulative, latest report), and of them how many are
    #: rows here and how many no source identifies; None without unidentified.csv.
    reported: int | None
    located: int | None
    unidentified: int | None
    #: Rows in view from the reports, and reported later.
    in_view_reported: int
    in_view_later: int
    #: The view in words: ``11 stations in Italy · bureau Fuzhou`` (``embed.filter_summary``).
    words: str
    #: The bureaus of the stations in view, most first, unknown last.
    bureaus: tuple[tuple[str, int], ...]
    #: Stations reported later in the whole data (for the dataset note).
    later_total: int = 0

    #: The language of ``words`` and of every sentence below.
    lang: str = ENGLISH

    def origin(self) -> str:
        """Where the stations in view come from: the reports, later reporting, or both."""
        n, later, lang = self.in_view, self.in_view_later, self.lang
        if not later:
            return ngettext(
                "from Safeguard Defenders' reports", "all from Safeguard Defenders' reports", n, lang
            )
        if later == n:
            return ngettext(
                "reported after Safeguard Defenders' reports",
                "all reported after Safeguard Defenders' reports",
                n,
                lang,
            )
        return gettext("{reported} from Safeguard Defenders' reports, {later} reported later", lang).format(
            reported=format_number(self.in_view_reported, lang), later=format_number(later, lang)
        )

    def lead(self) -> str:
        """Markdown: the view, where its stations come from, and the bureau mix."""
        lang = self.lang
        words = f"**{escape_markdown(self.words)}**"
        if not self.in_view:
            # TRANSLATORS: the headline of a view with no station; {view} is in bold.
            return gettext("{view}.", lang).format(view=words)
        mix = pgettext("list", ", ", lang).join(
            f"{escape_markdown(self._bureau(name))} {format_number(n, lang)}" for name, n in self.bureaus
        )
        label = ngettext("Bureau", "Bureaus", len(self.bureaus), lang)
        # TRANSLATORS: the headline: {view} (in bold), where its stations come from, the bureaus.
        return gettext("{view}, {origin}. {label}: {mix}.", lang).format(
            view=words, origin=self.origin(), label=label, mix=mix
        )

    def _bureau(self, name: str) -> str:
        if self.lang == ENGLISH:
            return name
        return gettext("unknown", self.lang) if name == "unknown" else vocab.bureau_labels(self.lang)[name]

    def dataset_note(self) -> str | None:
        """The reconciliation of the whole data with the reports (None without unidentified.csv)."""
        if self.reported is None or self.located is None or self.unidentified is None:
            return None
        lang = self.lang
        note = ngettext(
            "Across the whole data: Safeguard Defenders' reports counted {reported} stations; "
            "{located} of them are identified in this data and {unidentified} is not identified "
            "by any public source.",
            "Across the whole data: Safeguard Defenders' reports counted {reported} stations; "
            "{located} of them are identified in this data and {unidentified} are not identified "
            "by any public source.",
            self.unidentified,
            lang,
        ).format(
            reported=format_number(self.reported, lang),
            located=format_number(self.located, lang),
            unidentified=format_number(self.unidentified, lang),
        )
        if self.later_total:
            later = ngettext(
                "{count} more station was reported later.",
                "{count} more stations were reported later.",
                self.later_total,
                lang,
            ).format(count=format_number(self.later_total, lang))
            # TRANSLATORS: two sentences one after the other (Chinese needs no space).
            note = pgettext("sentences", "{first} {second}", lang).format(first=note, second=later)
        return note

    def sentence(self) -> str:
        """The lead and, apart, the dataset note (Markdown; figures and names only)."""
        note = self.dataset_note()
        return self.lead() + (f"\n\n{note}" if note else "")


def headline(
    view: pd.DataFrame,
    waves: list[reconcile.Wave],
    filters: Filters,
    countries: Mapping[str, str],
    later_total: int = 0,
    lang: str = ENGLISH,
) -> Headline:
    """The headline for the rows in ``view`` (shown by ``filters``); ``waves`` from
    ``reconcile.reconcile``; ``later_total`` the stations reported later in the whole data."""
    reported_waves = set(reconcile.REPORTED)
    from_reports = int(view["wave"].isin(reported_waves).sum())
    last = waves[-1] if waves else None
    return Headline(
        in_view=len(view),
        reported=last.reported_stations if last else None,
        located=last.identified_stations if last else None,
        unidentified=last.unidentified_stations if last else None,
        in_view_reported=from_reports,
        in_view_later=len(view) - from_reports,
        words=(
            ngettext("{count} station in this data", "{count} stations in this data", len(view), lang).format(
                count=format_number(len(view), lang)
            )
            if filters.without("station").is_default
            else embed.filter_summary(filters, countries, len(view), lang)
        ),
        bureaus=bureau_mix(view),
        later_total=later_total,
        lang=lang,
    )


@dataclass(frozen=True)
class Figures:
    """The four figures of the metrics row under the headline."""

    stations: int
    countries: int
    bureaus: tuple[str, ...]  # named bureaus, sorted
    unplaced: int  # stations whose city was not published

    @classmethod
    def of(cls, view: pd.DataFrame) -> Figures:
        return cls(
            stations=len(view),
            countries=int(view["iso2"].nunique()),
            bureaus=tuple(sorted(set(view["bureau"]) - {"Unknown"})),
            unplaced=int((view["city"] == "").sum()),
        )
