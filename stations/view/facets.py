"""One record per filter: everything the code needs to know about it, in one row.

A filter's key (its URL parameter and ``Filters`` field), the data column it matches, how it
is spelled in a link, the sidebar's label and help, and the short name used in sentences
("remove the bureau filter") live here, so adding a filter means adding a row, not editing
six modules. Plain Python: no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from stations.data import vocab


@dataclass(frozen=True)
class Facet:
    """One list filter of the view (AND across facets, OR within one)."""

    key: str
    #: The stations column matched value for value; None when the match is derived
    #: (the action filter matches the host country's recorded actions).
    column: str | None
    label: str
    short: str
    help: str
    #: Values are lower-cased in a link (bureau names read better that way in an address).
    lower_in_url: bool = False

    def option_label(self, value: str, countries: Mapping[str, str]) -> str:
        """What the reader sees for one option: a name, never a count, so that the widget's
        options stay the same strings whatever else is filtered (Streamlit hands a
        multiselect's value back and forth as these strings)."""
        if self.key == "country":
            return countries.get(value, value)
        if self.key == "wave":
            return vocab.WAVE_LABELS.get(value, value)
        if self.key == "action":
            return vocab.ACTION_LABELS.get(value, value)
        return value

    def url_value(self, value: str) -> str:
        return value.lower() if self.lower_in_url else value


#: In the order the sidebar shows them (country first: readers start from a place).
FACETS: tuple[Facet, ...] = (
    Facet(
        "country",
        "iso2",
        "Host country",
        "country",
        "Type a few letters and press Enter to pick the best match.",
    ),
    Facet(
        "bureau",
        "bureau",
        "Operating bureau (China)",
        "bureau",
        "The Chinese public security bureau said to run the station. 'Unknown': no source names one.",
        lower_in_url=True,
    ),
    Facet("wave", "wave", "Report", "report", "Which Safeguard Defenders report first listed the station."),
    Facet(
        "action",
        None,
        "Host government action",
        "government action",
        "Stations in countries whose government took this action at any time "
        "(from the responses table); 'No action reported' means none is recorded.",
    ),
)
BY_KEY: dict[str, Facet] = {facet.key: facet for facet in FACETS}
#: Facets matched on a plain column, as ``{key: column}``.
COLUMNS: dict[str, str] = {f.key: f.column for f in FACETS if f.column is not None}
