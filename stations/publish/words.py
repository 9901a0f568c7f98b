"""The published map in the reader's language: one words file per language besides English.

The page is one file for every reader (a static server cannot vary it by query string), so its
markup and script speak English, and a reader of another language gets that language's words as
one more content-named file, ``data/words.<code>.<hash>.json``, fetched beside the data file.
An English reader fetches nothing more: the page's configuration carries only the tag table
that chooses the language (``stations.i18n.tag_table``, read as the dashboard reads ``?lang=``
and ``Accept-Language``) and, per other language, its file's name, its ``<html lang>`` and the
two lines shown before any file has arrived.

A words file holds what the page's script writes, in that language: the page's own lines
(``PAGE_TEXTS``, English text -> translation, as the map's script looks its words up), the
credit line, the reading of a link (``grammar.reading_words``: notices, the counts line) and the
map's words (``stations.map.words.map_words``, with CLDR's country names and the register's
city names).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stations.i18n import ENGLISH, LANGUAGES, N_, gettext, tag_table
from stations.map import mapping
from stations.map.words import map_words
from stations.view import embed, grammar
from stations.view.filters import LANG, Options

#: The page's title line (the link-preview tags keep English: see ``site.TITLE``).
TITLE_LINE = N_("Reported Chinese overseas police stations")
#: The counts line until the map is drawn.
LOADING = N_("Loading the map…")
#: The counts line when a file could not be loaded (``{error}``: what failed, as the browser
#: says it).
LOAD_ERROR = N_("The map could not be loaded ({error}). Reload the page to try again.")
#: The link to the same view in the dashboard.
OPEN_DASHBOARD = N_("Open in the full dashboard")
#: Every text the page's markup and script write, in English.
PAGE_TEXTS: tuple[str, ...] = (TITLE_LINE, LOADING, LOAD_ERROR, OPEN_DASHBOARD)
#: The folder and name of a language's words file (``data/words.zh-Hans.<hash>.json``).
FOLDER = "data"
STEM = "words"


def other_languages() -> tuple[str, ...]:
    """The languages that get a words file: every one but English."""
    return tuple(language.code for language in LANGUAGES if language.code != ENGLISH)


def words_file(
    options: Options,
    countries: Mapping[str, str],
    places: Mapping[str, str],
    credit: tuple[str | None, str | None],
    lang: str,
) -> dict[str, Any]:
    """Everything the published page writes, in ``lang``. ``countries``: code -> the data's
    English name; ``places``: English city -> its name in ``lang``; ``credit``: the data's
    version and date (``embed.credit_line``)."""
    words = map_words(lang, countries, places)
    return {
        "lang": lang,
        "page": {text: gettext(text, lang) for text in PAGE_TEXTS},
        "credit": embed.credit_line(*credit, "", lang)[0],
        "reading": grammar.reading_words(options, lang),
        "map": words,
        "mapTitle": words.get(mapping.MAP_TITLE, mapping.MAP_TITLE),
    }


def page_languages(files: Mapping[str, str]) -> dict[str, Any]:
    """The page configuration's part that chooses the language (``languages``): the tag table
    and, per language that has a words file (``files``: code -> its URL from the page), that
    URL, the page's ``lang`` attribute, and the title and loading lines, so that nothing shows
    in English while the file is on its way. A few hundred bytes: all an English reader pays."""
    pages = {}
    for language in LANGUAGES:
        if language.code in files:
            pages[language.code] = {
                "words": files[language.code],
                "html": language.html_lang,
                "title": gettext(TITLE_LINE, language.code),
                "loading": gettext(LOADING, language.code),
            }
    # The link's parameter, and the characters Python's ``str.strip`` removes from its value.
    return {**tag_table(), "key": LANG, "whitespace": grammar.whitespace(), "pages": pages}
