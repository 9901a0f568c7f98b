"""A link (or a citation) the reader sees whole and copies with one click, without Streamlit's code block.

``st.code`` has a copy button, but the first code block on a page makes the frontend fetch and
run Streamlit's syntax highlighter (1.5 MB of JavaScript) while the map is still waiting for its
frame: on the map page that was one of the largest delays before the first marker
(bench/RESULTS.md, ``python -m bench.timeline``). This box is plain HTML through ``st.html``,
whose small frontend the page already uses: a labelled read-only text area that wraps the link
so all of it shows, and a labelled button that copies it. The copy script is a file
(``static/js/copy-link.js``) inlined into the box, so it is read, linted and cached as
JavaScript rather than built in Python.
"""

from __future__ import annotations

import html
import re

import streamlit as st

from stations.web import static_files

#: The copy script, relative to ``static/``.
COPY_SCRIPT = "js/copy-link.js"

#: Characters of a link per line in the sidebar's width (sets the text area's starting height;
#: browsers that size fields to their content use that instead).
CHARS_PER_LINE = 34

#: The same in the main column of the wide layout.
WIDE_CHARS_PER_LINE = 90

#: The box's stylesheet, relative to ``static/``.
STYLE = "css/copy-link.css"


def box_html(
    label: str, value: str, key: str, button: str = "Copy link", chars_per_line: int = CHARS_PER_LINE
) -> str:
    """The box's markup: ``value`` is text (escaped), ``key`` makes its element ids unique on
    the page (letters, digits, ``-`` and ``_``)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
        raise ValueError(f"copy box key must be letters, digits, - or _: {key!r}")
    field, status = f"copy-{key}", f"copy-{key}-status"
    rows = max(1, -(-len(value) // max(1, chars_per_line)))
    return (
        f"<style>{static_files.read(STYLE)}</style>"
        f'<div class="copy-link" data-testid="copyLink-{key}">'
        f'<label for="{field}">{html.escape(label)}</label>'
        f'<textarea id="{field}" data-copy-field rows="{rows}" readonly spellcheck="false">'
        f"{html.escape(value)}</textarea>"
        f'<button type="button" data-copy-for="{field}" data-copy-status="{status}" '
        f'aria-label="{html.escape(button)}: {html.escape(label)}">{html.escape(button)}</button>'
        f'<span id="{status}" role="status" aria-live="polite"></span>'
        f"</div><script>{static_files.read(COPY_SCRIPT)}</script>"
    )


def copy_box(
    label: str, value: str, key: str, button: str = "Copy link", chars_per_line: int = CHARS_PER_LINE
) -> None:
    """Draw the box where the caller is (the sidebar's share box, the cite box)."""
    st.html(box_html(label, value, key, button, chars_per_line), unsafe_allow_javascript=True)
