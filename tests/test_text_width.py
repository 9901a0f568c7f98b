"""Line widths in columns (stations/view/text_width.py): English as textwrap has it, Chinese
two columns a character, broken between characters but never before closing punctuation."""

from __future__ import annotations

import itertools
import textwrap

from hypothesis import given
from hypothesis import strategies as st

from stations.view import text_width

WORDS = st.lists(st.text("abcdefghijklmnopqrstuvwxyz,.'()", min_size=1, max_size=12), min_size=1, max_size=30)
HANZI = st.text(
    st.sampled_from("服务站意大利西班牙荷兰公安局青田县调查关闭，。（）、"), min_size=1, max_size=120
)


@given(WORDS, st.integers(12, 80))
def test_english_wraps_and_shortens_as_textwrap_does(words: list[str], limit: int) -> None:
    text = " ".join(words)
    assert text_width.wrap(text, limit) == textwrap.wrap(text, limit, break_on_hyphens=False)
    expected = textwrap.shorten(text, limit, placeholder="...") if len(text) > limit else text
    assert text_width.shorten(text, limit) == expected


@given(HANZI, st.integers(8, 60))
def test_chinese_lines_fit_their_columns_and_keep_every_character(text: str, limit: int) -> None:
    lines = text_width.wrap(text, limit)
    assert "".join(lines) == text
    assert all(text_width.width(line) <= limit for line in lines)
    # Closing punctuation stays with the character before it (a lone run of it longer than a
    # line has to be broken somewhere, as a long English word is).
    if not any(a in text_width.CLOSING and b in text_width.CLOSING for a, b in itertools.pairwise(text)):
        assert [line for line in lines[1:] if line[0] in text_width.CLOSING] == []


@given(HANZI, st.integers(8, 60))
def test_a_shortened_chinese_line_fits_and_is_a_prefix_of_the_text(text: str, limit: int) -> None:
    short = text_width.shorten(text, limit)
    assert text_width.width(short) <= limit
    assert short == text or (short.endswith("...") and text.startswith(short[:-3]))


def test_a_chinese_character_counts_two_columns() -> None:
    assert text_width.width("意大利") == 6 and text_width.width("Italy") == 5
    assert text_width.fill("所在国政府最强烈的行动（全国）", 10) == "所在国政府\n最强烈的行\n动（全国）"
    assert text_width.shorten("意大利、西班牙的服务站", 12) == "意大利、..."
