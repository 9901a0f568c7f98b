"""JSON that is safe inside a ``<script>`` element and inside a branca (Jinja) template.

Every piece of data the map's page carries in a script (the station table, the countries, the
basemap's options) passes through here, so that no text from the data can close the script,
open an HTML comment, break a line in old parsers or be read as template syntax. Plain Python.
"""

from __future__ import annotations

import json
import re
from typing import Any


def escape_for_script(text: str) -> str:
    """JSON text made safe inside a ``<script>`` element and a branca (Jinja) template."""
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    # branca renders each script as a Jinja template: "{{", "{%" and "{#" can only occur inside
    # JSON strings here, where \u007b is the same character and no template syntax.
    return re.sub(r"\{(?=[{%#])", r"\\u007b", text)


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``</script>``, no HTML comment."""
    return escape_for_script(json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
