"""How wide a line of text is drawn, in columns, for lines in any of the three languages.

An exported image fits its texts in fixed boxes by counting characters (``textwrap``), which
holds for English only: a Chinese character is drawn about twice as wide as a Latin letter, and
Chinese has no spaces to break at. Here a character counts two columns when Unicode calls it
wide (``unicodedata.east_asian_width``: W or F) and one otherwise; a line breaks between words
or between two wide characters, never before closing punctuation (，。）). For text without
wide characters, :func:`shorten` and :func:`wrap` give what ``textwrap`` gives.
"""

from __future__ import annotations

import unicodedata

#: Characters a line never starts with: they close what stands before them.
CLOSING = frozenset("，。、；：！？）」』》〉】〕”’…,.;:!?)]}")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def width(text: str) -> int:
    """Columns ``text`` takes: two for a wide character, none for a combining mark, else one."""
    return sum(2 if _wide(c) else 0 if unicodedata.combining(c) else 1 for c in text)


def _tokens(text: str) -> list[str]:
    """Words, single wide characters (each with the closing punctuation after it) and single
    spaces standing for any run of whitespace, in order."""
    tokens: list[str] = []
    for char in text:
        last = tokens[-1] if tokens else ""
        if char.isspace():
            if last and last != " ":
                tokens.append(" ")
        elif last and last != " " and (char in CLOSING or not (_wide(char) or _wide(last[-1]))):
            tokens[-1] = last + char
        else:
            tokens.append(char)
    if tokens and tokens[-1] == " ":
        tokens.pop()
    return tokens


def _split_long(token: str, limit: int) -> list[str]:
    """A token wider than ``limit`` in pieces that fit (as ``textwrap`` breaks long words)."""
    pieces, piece = [], ""
    for char in token:
        if piece and width(piece + char) > limit:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def wrap(text: str, limit: int) -> list[str]:
    """``text`` in lines of at most ``limit`` columns (whitespace collapsed, lines stripped)."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if token == " ":
            if line:
                line += " "
            continue
        if width(line + token) <= limit:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        *whole, token = _split_long(token, limit) if width(token) > limit else [token]
        lines.extend(whole)
        line = token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def fill(text: str, limit: int) -> str:
    """:func:`wrap`'s lines joined by newlines."""
    return "\n".join(wrap(text, limit))


def shorten(text: str, limit: int, placeholder: str = "...") -> str:
    """``text`` unchanged when it fits ``limit`` columns, else cut at a word (or between wide
    characters) so that it and ``placeholder`` fit."""
    if width(text) <= limit:
        return text
    kept = ""
    for token in _tokens(text):
        if width((kept + token).rstrip() + placeholder) > limit:
            break
        kept += token
    kept = kept.rstrip()
    return kept + placeholder if kept else placeholder.lstrip()
