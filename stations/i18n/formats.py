"""Dates, numbers and country names in the reader's language, from CLDR through Babel.

Nothing here is typed by hand: 5 December 2022 and 2022年12月5日 are CLDR's long date formats,
countries are CLDR's territory names. The data's dates may be partial (``2022-12``, ``2022``) when
a source gives no day; they are shown as precisely as they are known, never with an invented day.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from stations.i18n.languages import language

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


@cache
def _locale(lang: str):  # noqa: ANN202 - babel.Locale; Babel is imported lazily (start-up cost)
    from babel import Locale

    return Locale.parse(language(lang).locale)


def format_date(value: dt.date | str, lang: str) -> str:
    """A date as a reader of ``lang`` writes it in prose: ``5 December 2022``, ``2022年12月5日``;
    ``2022-12`` as ``December 2022`` / ``2022年12月``; ``2022`` as ``2022`` / ``2022年``.

    Raises ``ValueError`` for a string that is none of ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``.
    """
    from babel.dates import format_date as babel_date
    from babel.dates import format_skeleton

    locale = _locale(lang)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return babel_date(value, "long", locale=locale)
    text = value.strip()
    partial = _PARTIAL.fullmatch(text)
    if partial is None:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a date (YYYY-MM-DD, YYYY-MM or YYYY): {value!r}") from None
        return babel_date(day, "long", locale=locale)
    year, month = partial.groups()
    if month is None:
        return format_skeleton("y", dt.date(int(year), 1, 1), locale=locale)
    if not 1 <= int(month) <= 12:
        raise ValueError(f"not a date (YYYY-MM-DD, YYYY-MM or YYYY): {value!r}")
    return format_skeleton("yMMMM", dt.date(int(year), int(month), 1), locale=locale)


def format_number(number: float, lang: str) -> str:
    """A count or figure with the language's grouping (``1,234``)."""
    from babel.numbers import format_decimal

    return format_decimal(number, locale=_locale(lang))


def country_name(iso2: str, lang: str) -> str:
    """A country's name in ``lang`` from CLDR (意大利 / 義大利 / Italy).

    Raises ``KeyError`` for a code CLDR does not name, so that a wrong code cannot pass as a name.
    English pages may prefer the data's own ``country`` column, which this does not read.
    """
    return _locale(lang).territories[iso2.upper()]


def country_label(iso2: str, data_name: str, lang: str) -> str:
    """A country as a page in ``lang`` names it: the data's own name (``data_name``) in English,
    CLDR's in Chinese; the data's name where CLDR has none for the code."""
    if language(lang).catalog is None:
        return data_name
    try:
        return country_name(iso2, lang)
    except KeyError:
        return data_name


def number_grouping(lang: str) -> dict[str, object]:
    """How ``format_number`` groups a whole number's digits in ``lang`` (CLDR's group symbol and
    group sizes, primary then secondary), for a page that writes counts in the browser."""
    from babel.numbers import get_group_symbol, parse_pattern

    locale = _locale(lang)
    primary, secondary = parse_pattern(locale.decimal_formats[None]).grouping
    return {"group": get_group_symbol(locale), "sizes": [primary, secondary]}
