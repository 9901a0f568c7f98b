"""The map's words in the reader's language, handed to its script.

The map's JavaScript (``static/js/station-layer.js``, ``station-legend.js``, ``map-aids.js``)
writes its texts and templates in English and looks each one up in ``options.words``
(``L.stationWords``), so that the script holds no catalog of its own and the cached station
table (English names, English labels) is shared by every language. This module makes that
table: each English text or template the scripts write, each label the map's data carries
(field values, actions, bureaus, countries in view), mapped to ``lang``. English maps nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from stations.data import publishers, vocab
from stations.i18n import ENGLISH, N_, country_label, gettext, pgettext
from stations.map import basemap

#: What the scripts write, word for word (placeholders in braces are filled by the script).
SCRIPT_TEXTS: tuple[str, ...] = (
    N_("Map of reported overseas police stations"),
    N_("Strongest government action"),
    N_("Stations"),
    N_("Host government"),
    N_("Sources"),
    N_("bureau unknown"),
    N_("{bureau} bureau"),
    N_("{city}, {country}"),
    N_("{country} (location not published)"),
    N_("Cluster of {total} stations: {bureaus}. Press Enter to zoom in."),
    N_("{count} in {country}"),
    N_(
        "{total} stations whose location is not published ({countries}), shown in their country. "
        "Press Enter to spread them."
    ),
    N_("Map legend"),
    N_("Legend"),
    N_("Bureau unknown"),
    N_("Location not published (shown in its country, apart from the clusters)"),
    N_("Cluster: count of stations, ring of their bureaus"),
    N_("Country: government's strongest action"),
    N_("Use two fingers to move the map"),
    N_("Use ctrl + scroll to zoom the map"),
    N_("Use \u2318 + scroll to zoom the map"),
    N_("{title}. Arrow keys move the map, plus and minus zoom; Tab reaches the stations."),
)

#: The country layer's legend classes (``mapping.ACTION_CLASSES``' labels).
CLASS_LABELS: tuple[str, ...] = (
    N_("Conviction"),
    N_("Criminal charges or arrests"),
    N_("Station closed or closure ordered"),
    N_("Police cooperation ended"),
    N_("Investigation opened"),
    N_("Ambassador summoned or parliamentary inquiry"),
    N_("Statement of concern or other action"),
    N_("Denial or decision not to act"),
    N_("No action reported"),
)


def map_words(
    lang: str,
    countries: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    places: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """English -> ``lang`` for everything the map's script shows; ``countries`` (code -> the
    data's English name) adds the names of the countries in view, from CLDR, and ``places``
    (English city -> its name in ``lang``, from the register) the cities, and any other name the
    table carries in English (weak sources' labels: ``source_words``). Empty in English."""
    if lang == ENGLISH:
        return {}
    credit = tuple(text for text, _link in basemap.ATTRIBUTION_PARTS)
    words = {text: gettext(text, lang) for text in (*SCRIPT_TEXTS, *CLASS_LABELS, *credit)}
    # TRANSLATORS: separates the names of several chosen options (Italy, Spain).
    words[", "] = pgettext("list", ", ", lang)
    for labels in (vocab.WAVE_LABELS, vocab.STATUS_LABELS, vocab.PRECISION_LABELS, vocab.ACTION_LABELS):
        words.update({english: gettext(english, lang) for english in labels.values()})
    words.update({field.label: gettext(field.label, lang) for field in vocab.STATION_FIELDS})
    words.update(vocab.bureau_labels(lang))
    pairs = countries.items() if isinstance(countries, Mapping) else countries
    words.update({english: country_label(iso2, english, lang) for iso2, english in pairs})
    words.update(places or {})
    return words


def source_words(labels: Iterable[str], lang: str) -> dict[str, str]:
    """Each weak source's label among ``labels`` (the station table's, in English) -> the same
    in ``lang`` (``publishers.label_in``); for ``map_words``' ``places``. Empty in English."""
    if lang == ENGLISH:
        return {}
    return {label: said for label in labels if (said := publishers.label_in(label, lang)) != label}
