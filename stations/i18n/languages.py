"""The three languages of the dashboard, and how a link or a browser chooses one.

One table says everything a language needs elsewhere (its ``?lang=`` code, the Babel locale for
dates, numbers and CLDR names, its catalog, its name in its own script, the HTML ``lang``), so that
the switch, the link, the catalogs and the formats cannot disagree. Links are typed and pasted by
people: ``?lang=zh-TW`` or ``zh_hant`` must open the page a reader expects, not an error.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    #: The ``?lang=`` value (a BCP 47 tag); also the key every function of this package takes.
    code: str
    #: Babel locale for dates, numbers and CLDR names. English is British (5 December 2022), as
    #: the project writes it.
    locale: str
    #: Directory of the gettext catalog under ``stations/locales``; None for English, the
    #: language of the source strings.
    catalog: str | None
    #: The language's name in its own script, as a language switch shows it.
    label: str
    #: The HTML ``lang`` attribute of a page in this language.
    html_lang: str


ENGLISH = "en"
SIMPLIFIED = "zh-Hans"
TRADITIONAL = "zh-Hant"
DEFAULT = ENGLISH

LANGUAGES: tuple[Language, ...] = (
    Language(ENGLISH, "en_GB", None, "English", "en"),
    Language(SIMPLIFIED, "zh_Hans", "zh_Hans", "简体中文", "zh-Hans"),
    Language(TRADITIONAL, "zh_Hant", "zh_Hant", "繁體中文", "zh-Hant"),
)
CODES: tuple[str, ...] = tuple(language.code for language in LANGUAGES)
_BY_CODE = {language.code: language for language in LANGUAGES}

#: How a tag's language, script and region choose one of the three (``parse_lang``): per
#: language, the code for a tag that names no script and no listed region (``default``), the
#: codes of the scripts it may name (no ``scripts``: any script, ignored) and of the regions that
#: decide the script when none is named. Regions whose Chinese is written in Traditional
#: characters: Taiwan, Hong Kong, Macao. The published map's script reads this same table
#: (``tag_table``), so a link and a browser choose the same language there as here.
TAGS: dict[str, dict[str, object]] = {
    "en": {"default": ENGLISH},
    "zh": {
        "default": SIMPLIFIED,
        "scripts": {"Hans": SIMPLIFIED, "Hant": TRADITIONAL},
        "regions": {"TW": TRADITIONAL, "HK": TRADITIONAL, "MO": TRADITIONAL},
    },
}
#: The longest tag read (BCP 47's longest useful tags are far shorter; a link may hold anything).
MAX_TAG_LENGTH = 35
#: A header is read up to this many tags: enough for any browser, bounded for a hostile one.
_MAX_TAGS = 32
#: What ``negotiate`` reads as "any language" (the default).
ANY = "*"


def language(code: str) -> Language:
    """The language of an exact code (one of ``CODES``).

    Raises ``ValueError`` otherwise: a code reaching this far has been parsed already, so an unknown
    one is a programming error, not a reader's typo.
    """
    try:
        return _BY_CODE[code]
    except KeyError:
        raise ValueError(f"unknown language code {code!r}; expected one of {', '.join(CODES)}") from None


def parse_lang(value: str | None) -> str | None:
    """The code of a ``?lang=`` value or a language tag, read tolerantly; None if it names none of
    the three languages (the caller says so to the reader and keeps the current language).

    Case and separator do not matter (``ZH_hant``); a script wins over a region (``zh-Hans-HK`` is
    Simplified); a region alone decides the script (``zh-TW``, ``zh-HK``, ``zh-MO`` Traditional,
    ``zh-CN``, ``zh-SG`` and bare ``zh`` Simplified); any English (``en-US``) is English.
    """
    if not value:
        return None
    tag = value.strip().replace("_", "-")
    if not tag or len(tag) > MAX_TAG_LENGTH:
        return None
    from babel.core import parse_locale

    try:
        lang, territory, script, _variant = parse_locale(tag, sep="-")[:4]
    except ValueError:
        return None
    rule = TAGS.get(lang.lower())
    if rule is None:
        return None
    scripts = rule.get("scripts")
    if script and isinstance(scripts, dict):
        return scripts.get(script.title())
    regions = rule.get("regions") or {}
    return regions.get((territory or "").upper(), rule["default"])  # type: ignore[union-attr, return-value]


def tag_table() -> dict[str, object]:
    """``parse_lang``'s and ``negotiate``'s rules as data, for a page that reads them in the
    browser (the published map): the table, the longest tag, the default and the "any" tag. The
    tag's syntax is Babel's ``parse_locale`` (``static/js/published-view.js`` follows it)."""
    return {"tags": TAGS, "maxLength": MAX_TAG_LENGTH, "default": DEFAULT, "any": ANY}


def accepted_tags(header: str | None) -> list[str]:
    """The tags of an ``Accept-Language`` header, most preferred first (q-values, then order);
    tags refused with ``q=0`` and malformed q-values are left out."""
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")[:_MAX_TAGS]):
        tag, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, number = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = -1.0
        if tag and 0 < quality <= 1:
            weighted.append((-quality, position, tag))
    return [tag for _quality, _position, tag in sorted(weighted)]


def negotiate(header: str | None) -> str:
    """The language for a link with no ``lang``: the reader's most preferred tag of the
    ``Accept-Language`` header that is one of the three, else English.

    Babel's ``negotiate_locale`` matches tags to locales by language and alias, so it would give
    ``zh-TW`` a Simplified catalog; the mapping here goes through ``parse_lang``, which reads the
    script and region.
    """
    for tag in accepted_tags(header):
        if tag == ANY:
            return DEFAULT
        code = parse_lang(tag)
        if code is not None:
            return code
    return DEFAULT
