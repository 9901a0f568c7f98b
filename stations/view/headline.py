"""The first sentence of the map page: how the rows reconcile with the reports, for this view.

Readers quote the first number they see. A bare "Stations 101" beside reports that counted
102 invites the wrong quote, so the headline states the reconciliation itself, with figures
derived from the data and ``data/unidentified.csv`` (never written into the code). Plain
Python: no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from stations.data import reconcile


@dataclass(frozen=True)
class Headline:
    """The figures of the sentence."""

    in_view: int
    #: Stations the reports counted (cumulative, latest report), and of them how many are
    #: rows here and how many no source identifies; None without unidentified.csv.
    reported: int | None
    located: int | None
    unidentified: int | None
    #: Rows in view from the reports, and reported later.
    in_view_reported: int
    in_view_later: int
    filtered: bool

    def sentence(self) -> str:
        """Markdown (figures only; no text from the data)."""
        if self.reported is None:
            return f"**{self.in_view:,} stations** in this view."
        later = f"plus **{self.in_view_later:,} reported later**"
        if not self.filtered:
            return (
                f"**{self.located:,} of the {self.reported:,} stations** in Safeguard Defenders' "
                f"reports are located here, {later}; **{self.unidentified:,} are not identified**."
            )
        return (
            f"**{self.in_view:,} stations in this view:** {self.in_view_reported:,} of the "
            f"{self.reported:,} in Safeguard Defenders' reports, {later}. Of the "
            f"{self.reported:,}, {self.located:,} are located here and {self.unidentified:,} "
            "are not identified."
        )


def headline(view: pd.DataFrame, waves: list[reconcile.Wave], filtered: bool) -> Headline:
    """The headline figures for the rows in ``view``; ``waves`` from ``reconcile.reconcile``."""
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
        filtered=filtered,
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
