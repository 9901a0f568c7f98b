"""Simplified -> Traditional Chinese with Taiwan usage (OpenCC ``s2twp``).

One converter for everything derived rather than kept twice: the Traditional catalog and the
Traditional forms of names the data holds in Simplified (bureaus). OpenCC loads its dictionaries
once, on first use.
"""

from __future__ import annotations

from functools import cache

OPENCC_CONFIG = "s2twp"


@cache
def _converter():  # noqa: ANN202 - opencc.OpenCC
    import opencc

    return opencc.OpenCC(OPENCC_CONFIG)


def traditional(text: str) -> str:
    """``text`` in Traditional characters with Taiwan vocabulary (信息 -> 資訊)."""
    return _converter().convert(text)
