"""Confidence by rule: a row is ``high`` only when independent outlets stand behind it.

A reader who sees "high" takes it to mean that more than one newsroom (or the report itself and
a newsroom) checked the claim. Counting source URLs would overstate that: two hosts can belong to
one publisher (two BBC addresses), and ten papers printing one AP story are one story. So the
rule counts *outlets*: the wire service behind a host's copy, else its publisher, else the host
(columns ``wire`` and ``publisher`` of ``publishers.csv``). Only ``primary`` and ``established``
sources count; the report's author is one outlet like any other.

* A station row is ``high`` only with two or more such outlets (its city, bureau and report
  must rest on two independent sources; a machine can count the outlets, an editor checks which
  detail each supports, and the notes say which detail rests on one).
* A response row is ``high`` with two such outlets, or with one official text (a government,
  court or parliament record), which is the act itself.

This module knows nothing of files: the validator gives it plain lists and turns each finding
into a ``file:line: column: message`` problem.
"""

from __future__ import annotations

from collections.abc import Sequence

from stations.data.publishers import Register, split_sources

#: Tiers whose sources count towards ``high``.
COUNTED_TIERS: frozenset[str] = frozenset({"primary", "established"})
#: Kinds whose single text makes a response ``high``: the official record of the act.
OFFICIAL_KINDS: frozenset[str] = frozenset({"government_or_court", "parliament"})
#: Independent outlets a ``high`` row needs.
REQUIRED = 2


def outlets(urls: Sequence[str], register: Register) -> list[str]:
    """The independent outlets among ``urls`` that count towards ``high``, in order of first citation."""
    found: list[str] = []
    for url in urls:
        publisher = register.publisher(url)
        if publisher is not None and publisher.tier in COUNTED_TIERS and publisher.outlet not in found:
            found.append(publisher.outlet)
    return found


def _has_official_text(urls: Sequence[str], register: Register) -> bool:
    for url in urls:
        publisher = register.publisher(url)
        if publisher is not None and publisher.tier == "primary" and publisher.kind in OFFICIAL_KINDS:
            return True
    return False


def findings(
    sources: Sequence[str],
    confidences: Sequence[str],
    register: Register,
    official_text_suffices: bool,
) -> list[tuple[int, str, str]]:
    """``(row index, column, message)`` for every ``high`` row without enough independent outlets.

    ``official_text_suffices`` is True for responses (an official record of the act is enough).
    """
    found: list[tuple[int, str, str]] = []
    for index, (text, confidence) in enumerate(zip(sources, confidences, strict=True)):
        if confidence != "high":
            continue
        urls = split_sources(text)
        if any(register.publisher(url) is None for url in urls):
            continue  # an unregistered or blocked host is the problem to fix first; it is reported
        if official_text_suffices and _has_official_text(urls, register):
            continue
        counted = outlets(urls, register)
        if len(counted) < REQUIRED:
            names = ", ".join(counted) if counted else "none"
            rule = "two independent outlets" + (" or an official text" if official_text_suffices else "")
            found.append(
                (
                    index,
                    "confidence",
                    f"'high' needs {rule} (primary or established, a wire story counted once); "
                    f"independent outlets here: {names}. Use medium and say in notes which detail "
                    "rests on one source",
                )
            )
    return found
