"""A Vega-Lite chart as a PNG, drawn on the server with its credit in the PNG's text.

The chart's own spec carries the credit line (so the browser's "Save as PNG" of the chart
carries it too); this adds the same credit to the file's metadata. vl-convert runs Vega in an
embedded JavaScript engine: no browser, and no request leaves the server (the data is inline
and every external base URL is refused). It reads the system's fonts itself; a chart in Chinese
names its family (``stations.view.fonts``) so that each script gets its own forms, and the
caller draws it in Chinese only where that family is installed (``fonts.image_language``):
vl-convert draws no text at all in a family it does not have.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import vl_convert

from stations.i18n import ENGLISH
from stations.view import fonts
from stations.view.credit import Credit, stamp_png

#: The exported chart's width in CSS pixels (a column of an article), drawn at twice that.
WIDTH = 720
SCALE = 2


def drawn_spec(spec: Mapping[str, Any], width: int = WIDTH, lang: str = ENGLISH) -> dict[str, Any]:
    """``spec`` as it is drawn: ``width`` pixels wide, its texts in ``lang``'s font family."""
    sized = {**spec, "width": width}
    family = fonts.family(lang)
    if family is not None:
        sized["config"] = {**sized.get("config", {}), "font": family}
    return sized


def vega_lite_png(
    spec: Mapping[str, Any], credit: Credit, title: str, width: int = WIDTH, lang: str = ENGLISH
) -> bytes:
    """``spec`` (its words in ``lang``) drawn ``width`` pixels wide at :data:`SCALE`, with
    ``credit`` in its metadata."""
    png = vl_convert.vegalite_to_png(drawn_spec(spec, width, lang), scale=SCALE, allowed_base_urls=[])
    return stamp_png(png, credit.png_metadata(title, lang))
