"""The Traditional Chinese catalog, derived from the Simplified one, never kept by hand.

Two catalogs kept by hand drift apart: a fix lands in one and not the other. So
``zh_Hant/LC_MESSAGES/messages.po`` is written by ``derive`` from ``zh_Hans`` with OpenCC
(``s2twp``: Traditional characters with Taiwan vocabulary, 信息 -> 資訊), then overridden entry by
entry from ``zh_Hant_overrides.po`` where usage differs from that conversion. Each override says
why in a translator comment; an override that the conversion already gives, or whose English
string is gone, is an error rather than dead weight.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from stations.i18n.catalog import LOCALES_DIR, po_path
from stations.i18n.traditional import OPENCC_CONFIG, traditional

OVERRIDES_FILE = "zh_Hant_overrides.po"
HEADER_COMMENT = (
    "# Traditional Chinese (繁體中文) of the 110 Overseas station tracker.\n"
    "#\n"
    "# GENERATED, do not edit: derived from zh_Hans/LC_MESSAGES/messages.po\n"
    f"# with OpenCC ({OPENCC_CONFIG}), then the entries of {OVERRIDES_FILE}.\n"
    "# Change those two files, then run `make i18n-update`."
)


def _key(message: Message) -> tuple[str, str | None]:
    return (message.id if isinstance(message.id, str) else message.id[0], message.context)


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def derive(hans: Catalog, overrides: Catalog, overrides_name: str = OVERRIDES_FILE) -> Catalog:
    """The zh_Hant catalog of ``hans`` with ``overrides`` applied.

    Raises ``ValueError`` naming the override (file and English string) that matches no entry,
    repeats what OpenCC gives, has no translator comment saying why, or is empty.
    """
    entries = {_key(m): m for m in hans if m.id}
    problems: list[str] = []
    replaced: dict[tuple[str, str | None], Message] = {}
    for override in overrides:
        if not override.id:
            continue
        key = _key(override)
        where = f"{overrides_name}:{override.lineno}: {key[0]!r}"
        original = entries.get(key)
        if original is None:
            problems.append(f"{where}: no such entry in the zh_Hans catalog (remove the override)")
            continue
        if not override.user_comments and not override.auto_comments:
            problems.append(f"{where}: say in a comment why Taiwan usage differs from OpenCC")
        strings = override.string if isinstance(override.string, tuple) else (override.string,)
        if not all(strings):
            problems.append(f"{where}: empty override")
        if override.string == _convert(original.string):
            problems.append(f"{where}: equals the OpenCC conversion; remove the override")
        replaced[key] = override
    if problems:
        raise ValueError("\n".join(problems))

    hant = Catalog(
        locale="zh_Hant",
        domain=hans.domain,
        header_comment=HEADER_COMMENT,
        project=hans.project,
        version=hans.version,
        copyright_holder=hans.copyright_holder,
        msgid_bugs_address=hans.msgid_bugs_address,
        creation_date=hans.creation_date,
        revision_date=hans.revision_date,
        last_translator=hans.last_translator,
        language_team="Traditional Chinese, derived from zh_Hans",
        charset="utf-8",
        fuzzy=hans.fuzzy,
    )
    for message in hans:
        if not message.id:
            continue
        override = replaced.get(_key(message))
        hant.add(
            message.id,
            override.string if override else _convert(message.string),
            locations=message.locations,
            flags=message.flags,
            auto_comments=message.auto_comments,
            user_comments=message.user_comments,
            previous_id=message.previous_id,
            context=message.context,
        )
    return hant


def _convert(string: str | tuple[str, ...]) -> str | tuple[str, ...]:
    if isinstance(string, tuple):
        return tuple(traditional(s) for s in string)
    return traditional(string)


def render(catalog: Catalog) -> str:
    """The ``.po`` text as this project writes it (no locations, obsolete entries dropped)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, no_location=True, ignore_obsolete=True, include_previous=True)
    return buffer.getvalue().decode("utf-8")


def derived_text(directory: Path = LOCALES_DIR) -> str:
    """What ``zh_Hant/LC_MESSAGES/messages.po`` must contain, from the files in ``directory``."""
    overrides = directory / OVERRIDES_FILE
    return render(
        derive(read_catalog(po_path("zh_Hans", directory)), read_catalog(overrides), str(overrides))
    )
