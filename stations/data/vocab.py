"""Controlled vocabularies of the two data files, with the labels readers see.

One place for every allowed value, so that the schema, the filters, the legend and the data
dictionary can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stations.i18n import ENGLISH, N_, TRADITIONAL, gettext, pgettext, translate_labels
from stations.i18n.traditional import traditional

STATION_COLUMNS: tuple[str, ...] = (
    "station_id",
    "country",
    "iso2",
    "city",
    "city_zh",
    "address",
    "private_residence",
    "bureau",
    "bureau_district",
    "bureau_province",
    "wave",
    "host_organisation",
    "host_organisation_zh",
    "opened",
    "status",
    "lat",
    "lon",
    "geo_precision",
    "geo_source",
    "sources",
    "confidence",
    "notes",
)

RESPONSE_COLUMNS: tuple[str, ...] = (
    "response_id",
    "country",
    "iso2",
    "date",
    "actor",
    "action_type",
    "summary",
    "sources",
    "confidence",
    "notes",
)

BUREAUS: tuple[str, ...] = (
    "Fuzhou",
    "Qingtian",
    "Nantong",
    "Wenzhou",
    "Other",
    "Unknown",
)

#: Official Chinese names of the named bureaus (Simplified; Traditional is derived with OpenCC).
#: Sources, one page each that uses the name (also listed in data/README.md):
#: Fuzhou: Ming Pao Canada, 6 Dec 2022, http://mingpaocanada.com/Van/htm/News/20221206/vap1h_r.htm
#: Qingtian: China News Service, 25 Jun 2021 (reprinted with credit by uscntv.com; the original
#:   is not stored, and no page of the bureau, Xinhua or People's Daily with the name was found),
#:   http://uscntv.com/huaren/qiaotuan/83284.html
#: Nantong: CPPCC news (rmzxw.com.cn), 20 Jul 2018, http://www.rmzxw.com.cn/c/2018-07-20/2117193.shtml
#: Wenzhou: Wenzhou Metropolis Daily on 66wz.com (Wenzhou Daily group), 24 Feb 2026, citing the
#:   bureau's holiday figures, https://news.66wz.com/system/2026/02/24/105727078.shtml
BUREAU_NAMES_ZH: dict[str, str] = {
    "Fuzhou": "福州市公安局",
    "Qingtian": "青田县公安局",
    "Nantong": "南通市公安局",
    "Wenzhou": "温州市公安局",
}
#: Official Chinese names of the sub-units in ``bureau_district`` (county-level bureaus).
#: Ruian: Zhejiang Overseas Chinese Chamber of Commerce, 14 May 2013 (an association's site; no
#:   stronger page with the name was found), http://zaoce.com/newsdetail.php?id=6313
BUREAU_DISTRICT_NAMES_ZH: dict[str, str] = {
    "Ruian": "瑞安市公安局",
}
#: Values that name no bureau, so have no official name (their labels are interface text).
BUREAUS_WITHOUT_NAME: tuple[str, ...] = ("Other", "Unknown")

#: The province each named bureau belongs to; Other may be anywhere, Unknown has none.
BUREAU_PROVINCE: dict[str, str] = {
    "Fuzhou": "Fujian",
    "Qingtian": "Zhejiang",
    "Wenzhou": "Zhejiang",
    "Nantong": "Jiangsu",
}

#: Marker colours by bureau, chosen to stay distinguishable for common colour-vision deficiencies
#: (Okabe-Ito palette).
BUREAU_COLOURS: dict[str, str] = {
    "Fuzhou": "#D55E00",
    "Qingtian": "#0072B2",
    "Nantong": "#009E73",
    "Wenzhou": "#CC79A7",
    "Other": "#E69F00",
    "Unknown": "#6B6B6B",
}

WAVES: tuple[str, ...] = ("sep-2022", "dec-2022", "later")
WAVE_LABELS: dict[str, str] = {
    # TRANSLATORS: report titles (110 Overseas, Patrol and Persuade) stay as published.
    "sep-2022": N_("First report (Sept 2022, 110 Overseas)"),
    # TRANSLATORS: report titles (110 Overseas, Patrol and Persuade) stay as published.
    "dec-2022": N_("Added in the second report (Dec 2022, Patrol and Persuade)"),
    "later": N_("Reported later (not in the 102)"),
}

STATUSES: tuple[str, ...] = (
    "closed",
    "ordered_closed",
    "shut_down_per_host",
    "under_investigation",
    "investigated_no_findings",
    "inactive_per_host",
    "host_denies",
    "vacated",
    "unknown",
)
STATUS_LABELS: dict[str, str] = {
    "closed": N_("Closed"),
    "ordered_closed": N_("Closure ordered by the host"),
    "shut_down_per_host": N_("Shut down, per host police"),
    "under_investigation": N_("Under investigation"),
    "investigated_no_findings": N_("Investigated, nothing found"),
    "inactive_per_host": N_("Inactive, per host"),
    "host_denies": N_("Host government denies it exists"),
    "vacated": N_("Left its premises"),
    "unknown": N_("Unknown"),
}

GEO_PRECISIONS: tuple[str, ...] = ("address", "street", "city", "country")
#: How each geocoding precision reads, wherever a station's placement is shown.
PRECISION_LABELS: dict[str, str] = {
    "address": N_("street address"),
    "street": N_("street"),
    "city": N_("city centre (exact site not shown)"),
    "country": N_("country level (not the station's location)"),
}
GEO_SOURCES: tuple[str, ...] = ("geocoder", "gazetteer", "cache", "manual")
CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")

#: Government action types, strongest first: the order decides a country's strongest action.
ACTION_TYPES: tuple[str, ...] = (
    "conviction",
    "charges",
    "arrests",
    "station_closed",
    "closure_ordered",
    "cooperation_agreement_ended",
    "investigation_opened",
    "summoned_ambassador",
    "parliamentary_inquiry",
    "statement_of_concern",
    "other",
    "denied_or_no_action",
)
#: The filter value for host countries with no recorded government action.
NO_ACTION = "none"
ACTION_LABELS: dict[str, str] = {
    "conviction": N_("Conviction"),
    "charges": N_("Criminal charges"),
    "arrests": N_("Arrests"),
    "station_closed": N_("Station closed"),
    "closure_ordered": N_("Closure ordered"),
    "cooperation_agreement_ended": N_("Police cooperation ended"),
    "investigation_opened": N_("Investigation opened"),
    "summoned_ambassador": N_("Ambassador summoned"),
    "parliamentary_inquiry": N_("Parliamentary inquiry"),
    "statement_of_concern": N_("Statement of concern"),
    "other": N_("Other action"),
    "denied_or_no_action": N_("Denial or decision not to act"),
    NO_ACTION: N_("No action reported"),
}

#: Separator between several URLs in a ``sources`` cell.
SOURCE_SEPARATOR = " | "


# Labels in the reader's language. English is the tables above, unchanged; the Chinese comes from
# the catalogs (stations/locales), except the bureaus' names, which are data with their sources.


def wave_labels(lang: str) -> dict[str, str]:
    return translate_labels(WAVE_LABELS, lang)


def status_labels(lang: str) -> dict[str, str]:
    return translate_labels(STATUS_LABELS, lang)


def action_labels(lang: str) -> dict[str, str]:
    return translate_labels(ACTION_LABELS, lang)


def bureau_labels(lang: str) -> dict[str, str]:
    """The bureau values as a reader sees them: in English the values themselves (Fuzhou); in
    Chinese a named bureau's official name (福州市公安局; Traditional derived with OpenCC) and the
    two values that name no bureau from the catalogs."""
    if lang == ENGLISH:
        return {bureau: bureau for bureau in BUREAUS}
    convert = traditional if lang == TRADITIONAL else str
    labels = {bureau: convert(name) for bureau, name in BUREAU_NAMES_ZH.items()}
    # TRANSLATORS: a bureau filter option: stations run by a bureau other than the four named.
    labels["Other"] = pgettext("bureau", "Other", lang)
    # TRANSLATORS: a bureau filter option: no source names the bureau that runs the station.
    labels["Unknown"] = pgettext("bureau", "Unknown", lang)
    return {bureau: labels[bureau] for bureau in BUREAUS}


@dataclass(frozen=True)
class StationField:
    """One line of a station's record, as the map's popup and the station panel both show it.

    ``values`` gives the reader's words for a coded value; ``detail`` names a column shown after
    the value, in brackets ("Fuzhou (Changle)"). The map sends these to its script as they are
    (``stations.map.mapping.layer_options``), which builds the popup with the same rule as
    :meth:`text`: a new line in the popup is a new entry in :data:`STATION_FIELDS`.
    """

    column: str
    label: str
    values: Mapping[str, str] | None = None
    detail: str | None = None

    def text(self, row: Mapping[str, Any], lang: str = ENGLISH) -> str:
        """The line's text for one station (a row of the station table) in ``lang``; empty: not
        shown. Coded values are translated; the data's own text (names, addresses) is not."""
        value = str(row[self.column])
        if self.values:
            value = self.values.get(value, value)
            if lang != ENGLISH and value:
                value = gettext(value, lang)
        elif self.column == "bureau" and lang != ENGLISH:
            value = bureau_labels(lang).get(value, value)
        extra = str(row[self.detail]) if self.detail else ""
        return f"{value} ({extra})" if value and extra else value

    def columns(self) -> tuple[str, ...]:
        """The station columns this line reads."""
        return (self.column, self.detail) if self.detail else (self.column,)


#: A station's record in the popup and in the station panel, in order. The address is the
#: public one (``model.public_address``: never a private residence's).
STATION_FIELDS: tuple[StationField, ...] = (
    StationField("station_id", N_("Station")),
    StationField("address", N_("Address")),
    StationField("bureau", N_("Bureau"), detail="bureau_district"),
    StationField("wave", N_("Report"), WAVE_LABELS),
    StationField("host_organisation", N_("Host organisation"), detail="host_organisation_zh"),
    StationField("opened", N_("Opened")),
    StationField("status", N_("Status"), STATUS_LABELS),
    StationField("geo_precision", N_("Placed at"), PRECISION_LABELS),
)
