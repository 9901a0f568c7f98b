"""The reader's language: English, 简体中文, 繁體中文.

Below every room of the package (data, view, map, web import it; it imports none of them and not
Streamlit), because every room writes words a reader sees. Every function takes the language code
(``"en"``, ``"zh-Hans"``, ``"zh-Hant"``) as a parameter: Streamlit serves many sessions from one
process, so there is no current language to set.

* ``languages``: the table of the three, ``parse_lang`` for ``?lang=``, ``negotiate`` for
  ``Accept-Language``;
* ``catalog``: gettext translations from the compiled catalogs (``gettext``, ``ngettext``,
  ``pgettext``, ``npgettext``, ``N_``, ``translate_labels``);
* ``formats``: dates, numbers and country names from CLDR through Babel;
* ``hant`` and ``build``: the catalog workflow (derive zh_Hant with OpenCC, extract, compile),
  run by ``python -m stations.i18n`` and ``make i18n-*``, never imported by the app.

Babel is imported only when a date, a number or a tag needs it, so that importing this package
costs no start-up time.
"""

from stations.i18n.catalog import (
    N_,
    gettext,
    ngettext,
    npgettext,
    pgettext,
    translate_labels,
    translations,
)
from stations.i18n.formats import country_label, country_name, format_date, format_number, number_grouping
from stations.i18n.languages import (
    CODES,
    DEFAULT,
    ENGLISH,
    LANGUAGES,
    SIMPLIFIED,
    TRADITIONAL,
    Language,
    language,
    negotiate,
    parse_lang,
    tag_table,
)

__all__ = [
    "CODES",
    "DEFAULT",
    "ENGLISH",
    "LANGUAGES",
    "SIMPLIFIED",
    "TRADITIONAL",
    "Language",
    "N_",
    "country_label",
    "country_name",
    "format_date",
    "format_number",
    "gettext",
    "language",
    "negotiate",
    "ngettext",
    "npgettext",
    "number_grouping",
    "parse_lang",
    "pgettext",
    "tag_table",
    "translate_labels",
    "translations",
]
