"""Interface text in the reader's language: gettext catalogs, one per Chinese script.

Streamlit serves many sessions from threads of one process, so no function here keeps a current
language: every call names it. Catalogs are compiled ``.mo`` files built by ``make`` (and the
Docker build) from the ``.po`` files under version control; one missing or older than its ``.po``
is compiled in memory from the ``.po`` instead, so a stale build can never show old text.

Strings are marked where they are written, so that ``pybabel extract`` finds them: ``gettext``,
``ngettext``, ``pgettext`` and ``npgettext`` take the message first and the language last;
``N_`` marks a constant defined at import time (an English label in a table) and returns it
unchanged, to be translated later with ``gettext(label, lang)``.
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from stations.i18n.languages import language

#: The catalogs: ``<catalog>/LC_MESSAGES/messages.po`` (and its compiled ``.mo``), the template
#: ``messages.pot`` and the Traditional overrides.
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

_log = logging.getLogger(__name__)


def po_path(catalog: str, directory: Path = LOCALES_DIR) -> Path:
    return directory / catalog / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file; fuzzy entries are left out, as ``pybabel compile``
    does, so that an unchecked translation falls back to English rather than showing."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def load(catalog: str, directory: Path = LOCALES_DIR) -> _gettext.GNUTranslations:
    """The translations of one catalog directory, from its ``.mo`` if that is up to date."""
    po = po_path(catalog, directory)
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    if not po.exists():
        raise FileNotFoundError(f"{po}: no catalog for {catalog!r}")
    _log.warning("%s missing or older than its .po: compiled in memory (run `make i18n-compile`)", mo)
    return _gettext.GNUTranslations(io.BytesIO(compile_po(po)))


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The translations of a language code, loaded once per process (English: the source text).

    ``translations(lang).gettext`` can be bound to ``_`` in a function that writes many strings;
    ``pybabel extract`` finds ``_("...")`` too.
    """
    catalog = language(lang).catalog
    return _gettext.NullTranslations() if catalog is None else load(catalog)


def gettext(message: str, lang: str) -> str:
    return translations(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """The form for ``n`` (Chinese has one form, English two); the caller formats ``n`` in."""
    return translations(lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str, lang: str) -> str:
    """For a word whose translation depends on where it stands (``pgettext("bureau", "Other")``)."""
    return translations(lang).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int, lang: str) -> str:
    return translations(lang).npgettext(context, singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Marks ``message`` for extraction and returns it unchanged (an English constant)."""
    return message


def translate_labels(labels: Mapping[str, str], lang: str) -> dict[str, str]:
    """A table of English labels (each marked with ``N_``) in ``lang``, keys unchanged; a new
    dict on every call, so that no caller can change another's labels."""
    translate = translations(lang).gettext
    return {key: translate(label) for key, label in labels.items()}
