"""A Vega-Lite chart as a PNG, drawn on the server with its credit in the PNG's text.

The chart's own spec carries the credit line (so the browser's "Save as PNG" of the chart
carries it too); this adds the same credit to the file's metadata. vl-convert runs Vega in an
embedded JavaScript engine: no browser, and no request leaves the server (the data is inline
and every external base URL is refused).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import vl_convert

from stations.view.credit import Credit, stamp_png

#: The exported chart's width in CSS pixels (a column of an article), drawn at twice that.
WIDTH = 720
SCALE = 2


def vega_lite_png(spec: Mapping[str, Any], credit: Credit, title: str, width: int = WIDTH) -> bytes:
    """``spec`` drawn ``width`` pixels wide at :data:`SCALE`, with ``credit`` in its metadata."""
    sized = {**spec, "width": width}
    png = vl_convert.vegalite_to_png(sized, scale=SCALE, allowed_base_urls=[])
    return stamp_png(png, credit.png_metadata(title))
