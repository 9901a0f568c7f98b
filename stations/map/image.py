"""A view of the map as a PNG image, drawn on the server with its legend and credit line.

Newsrooms reuse a map as a picture. Drawn here, from the project's own geography (Natural
Earth's country shapes in ``data/boundaries/``), the country layer's fills and the stations in
the map's colours (``stations.map.mapping``, ``stations.data.vocab``), the image needs no tile
server and no browser, so it makes no third-party request, and the static publisher can reuse
it for link-preview images. The credit line (``stations.view.credit``) is drawn under the map
and written in the PNG's text chunks.

matplotlib's object interface (a ``Figure`` on an Agg canvas, never ``pyplot``) keeps each
drawing independent of every other, so sessions can draw at the same time. Every text drawn is
data, never markup: mathtext is off for each one (``parse_math=False``), so a ``$`` stays a
``$``.
"""

from __future__ import annotations

import functools
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text

from stations.data import credits, vocab
from stations.i18n import ENGLISH, N_, format_number, gettext
from stations.map import mapping
from stations.map.basemap import SEA
from stations.view import fonts, text_width
from stations.view.credit import Credit, stamp_png

#: The image's size in pixels (a 16:10 picture, sharp on a retina screen at half size) and the
#: resolution the text sizes (in points) are drawn at.
WIDTH_PX = 1600
HEIGHT_PX = 1000
DPI = 200
#: Latitudes the world view shows (Mercator, as the web map: no Antarctica, no polar stretch).
WORLD_LAT = (-56.0, 76.0)
#: Below this span (degrees of longitude) the finer 1:50m outlines are drawn.
FINE_SPAN = 60.0
#: The least span a fitted view shows, in degrees: a city's stations still show their country.
MIN_SPAN = 6.0
BORDER = "#8c8477"
INK = mapping.HATCH_INK
#: matplotlib's hatch of each hatching angle (stations.map.mapping.HATCH_ANGLES), three lines
#: deep (18 lines an inch: near the map's spacing at this image's scale).
HATCH_SYMBOLS: dict[int, str] = {45: "///", -45: "\\\\\\", 0: "---", 90: "|||"}
#: Width of the hatching lines (points).
HATCH_LINEWIDTH = 0.5
MUTED = "#555555"
#: A station's disc (points: its diameter) and the white rim that sets it off the country fill.
PIN_SIZE = 7.5
TITLE = credits.DATASET_TITLE
ALLEGATIONS = credits.CAVEAT
BUREAU_TITLE = N_("Bureau said to run the station")
ACTION_TITLE = N_("Host government's strongest action (country-wide)")
# TRANSLATORS: the map image's basemap credit; {name} is the dataset's name (Natural Earth).
BASEMAP = N_("Basemap: {name}")
# TRANSLATORS: a legend entry of the map image: a bureau and its count of stations in view.
COUNTED = N_("{name} ({count})")
# TRANSLATORS: an exported map's title in its metadata: the dataset's title, then the view's.
TITLED = N_("{title}: {subtitle}")
#: Widths in columns (``stations.view.text_width``: a Chinese character counts two) of the
#: subtitle, the credit lines, a legend label and a legend title.
SUBTITLE_COLUMNS = 110
CREDIT_COLUMNS = 150
LABEL_COLUMNS = 26
LEGEND_TITLE_COLUMNS = 30
#: The font every text falls back to for a character the language's family lacks (matplotlib's own).
FALLBACK_FAMILY = "DejaVu Sans"


def mercator_y(lat: np.ndarray | float) -> np.ndarray:
    """Web Mercator's northing in degrees (the web map's projection, so shapes look alike)."""
    clipped = np.clip(np.asarray(lat, dtype=float), -85.0, 85.0)
    return np.degrees(np.log(np.tan(np.pi / 4 + np.radians(clipped) / 2)))


@dataclass(frozen=True)
class Geography:
    """Country outlines as drawable paths, projected once per file."""

    iso2: tuple[str | None, ...]
    paths: tuple[MplPath, ...]
    bounds: np.ndarray  # one row per path: min x, min y, max x, max y


def _ring(points: Sequence[Sequence[float]]) -> np.ndarray:
    ring = np.asarray(points, dtype=float)[:, :2]
    lon = ring[:, 0]
    if lon.max() - lon.min() > 180:  # crosses the antimeridian: keep it whole on the east side
        ring[:, 0] = np.where(lon < 0, lon + 360, lon)
    return np.column_stack([ring[:, 0], mercator_y(ring[:, 1])])


def _path(polygons: Iterable[Sequence[Sequence[Sequence[float]]]]) -> MplPath:
    """One path of every ring (holes wind the other way in GeoJSON, so they stay holes)."""
    vertices, codes = [], []
    for polygon in polygons:
        for points in polygon:
            if len(points) < 3:
                continue
            ring = _ring(points)
            vertices.append(ring)
            ring_codes = np.full(len(ring), MplPath.LINETO, dtype=MplPath.code_type)
            ring_codes[0] = MplPath.MOVETO
            ring_codes[-1] = MplPath.CLOSEPOLY
            codes.append(ring_codes)
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


@functools.lru_cache(maxsize=4)
def _geography(path: str, _stamp: tuple[int, int]) -> Geography:
    with open(path, encoding="utf-8") as handle:
        shapes = json.load(handle)
    iso2s, paths, bounds = [], [], []
    for feature in shapes.get("features", []):
        geometry = feature.get("geometry") or {}
        code = (feature.get("properties") or {}).get("iso2")
        if code == "AQ" or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polygons = (
            geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        )
        drawn = _path(polygons)
        iso2s.append(code)
        paths.append(drawn)
        extent = drawn.get_extents()
        bounds.append((extent.x0, extent.y0, extent.x1, extent.y1))
    return Geography(tuple(iso2s), tuple(paths), np.asarray(bounds, dtype=float).reshape(-1, 4))


def geography(path: str | Path) -> Geography:
    """The outlines in ``path`` (GeoJSON with an ``iso2`` property), read again only when the
    file changes."""
    stat = Path(path).stat()
    return _geography(str(path), (stat.st_mtime_ns, stat.st_size))


@dataclass(frozen=True)
class Extent:
    """What the map shows, in projected units (longitude, Mercator northing in degrees)."""

    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def span(self) -> float:
        return self.x1 - self.x0


def world_extent(aspect: float) -> Extent:
    """The whole world between :data:`WORLD_LAT`, widened to the frame's ``aspect`` (w/h)."""
    y0, y1 = (float(v) for v in mercator_y(np.array(WORLD_LAT)))
    return _fit(-180.0, 180.0, y0, y1, aspect, pad=0.0)


def _fit(x0: float, x1: float, y0: float, y1: float, aspect: float, pad: float) -> Extent:
    width = max(x1 - x0, MIN_SPAN) * (1 + 2 * pad)
    height = max(y1 - y0, MIN_SPAN / aspect) * (1 + 2 * pad)
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return Extent(cx - width / 2, cx + width / 2, cy - height / 2, cy + height / 2)


def view_extent(stations: pd.DataFrame, aspect: float, fit: bool) -> Extent:
    """The stations' box with a margin (``fit``), else the world."""
    if not fit or stations.empty:
        return world_extent(aspect)
    lon = stations["lon"].astype(float).to_numpy()
    y = mercator_y(stations["lat"].astype(float).to_numpy())
    extent = _fit(float(lon.min()), float(lon.max()), float(y.min()), float(y.max()), aspect, pad=0.12)
    return extent if extent.span < 360 else world_extent(aspect)


@dataclass(frozen=True)
class MapImage:
    """A drawn view: the PNG, its size, where each station's centre is in it (pixels from
    the top left), which the tests and a preview's image map can read, the language it is
    drawn in and every text drawn (what a reader of the image reads)."""

    png: bytes
    width: int
    height: int
    pixels: dict[str, tuple[float, float]]
    lang: str = ENGLISH
    texts: tuple[str, ...] = ()


def _plain(text: str, family: list[str] | None = None) -> dict[str, Any]:
    """Keyword arguments that draw ``text`` as it is (no mathtext), in ``family`` (a list:
    matplotlib takes a character the first lacks from the next)."""
    return {"s": str(text), "parse_math": False, **({"fontfamily": family} if family else {})}


def _families(lang: str) -> list[str] | None:
    """The font families that draw ``lang`` (None: matplotlib's default, for English)."""
    family = fonts.family(lang)
    return None if family is None else [family, FALLBACK_FAMILY]


def _legend_entries(
    stations: pd.DataFrame, summary: pd.DataFrame, lang: str = ENGLISH
) -> tuple[list[Any], list[Any]]:
    counts = stations["bureau"].value_counts()
    names = vocab.bureau_labels(lang)
    bureaus = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markersize=PIN_SIZE,
            markerfacecolor=vocab.BUREAU_COLOURS[b],
            markeredgecolor="white",
            markeredgewidth=1.0,
            label=gettext(COUNTED, lang).format(name=names[b], count=format_number(int(counts[b]), lang)),
        )
        for b in vocab.BUREAUS
        if b in counts.index
    ]
    if (stations["geo_precision"] == "country").any():
        bureaus.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=PIN_SIZE,
                markerfacecolor="white",
                markeredgecolor="#333333",
                markeredgewidth=1.0,
                label=gettext("Location not published", lang),
            )
        )
    shown = set(summary["strongest_action"]) if len(summary) else set()
    actions = [
        Patch(
            facecolor=mapping.drawn_fill(colour) if outline != "none" else mapping.LAND,
            edgecolor=INK if outline != "none" else BORDER,
            hatch=_hatch(colour) if outline != "none" else None,
            hatch_linewidth=HATCH_LINEWIDTH,
            linestyle={"dashed": (0, (3, 1.5)), "dotted": (0, (0.8, 1.2))}.get(outline, "solid"),
            linewidth=1.0 if outline != "none" else 0.5,
            label=gettext(label, lang),
        )
        for label, colour, outline, keys in mapping.ACTION_CLASSES
        if shown.intersection(keys)
    ]
    return bureaus, actions


def render(
    stations: pd.DataFrame,
    summary: pd.DataFrame,
    shapes: str | Path | None,
    credit: Credit,
    subtitle: str = "",
    fit: bool = True,
    fine_shapes: str | Path | None = None,
    size: tuple[int, int] = (WIDTH_PX, HEIGHT_PX),
    lang: str = ENGLISH,
) -> MapImage:
    """The map of ``stations`` over the countries of ``summary``, as a PNG, its words in
    ``lang`` (in English where the server has no font for ``lang``: ``fonts.image_language``).

    ``summary`` is ``model.country_actions`` for the countries in view (their fills);
    ``shapes`` the 1:110m outlines and ``fine_shapes`` (optional) the 1:50m ones, drawn when the
    view spans less than :data:`FINE_SPAN` degrees; ``subtitle`` says what the view is, in the
    language the caller asked ``fonts.image_language`` for.
    """
    lang = fonts.image_language(lang)
    family = _families(lang)
    width, height = size
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    # The frame: title band on top, credit band under, legend on the right.
    left, right, bottom, top = 0.015, 0.74, 0.115, 0.85
    axes = figure.add_axes((left, bottom, right - left, top - bottom))
    aspect = ((right - left) * width) / ((top - bottom) * height)
    extent = view_extent(stations, aspect, fit)
    axes.set_xlim(extent.x0, extent.x1)
    axes.set_ylim(extent.y0, extent.y1)
    axes.set_facecolor(SEA)
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_edgecolor("#9aa7b0")
        spine.set_linewidth(0.6)

    source = fine_shapes if fine_shapes and extent.span < FINE_SPAN else shapes
    if source:
        _draw_countries(axes, geography(source), extent, summary)
    pin = PIN_SIZE if extent.span < FINE_SPAN else PIN_SIZE * 0.7
    pixels = _draw_stations(axes, stations, figure, height, pin)

    title = gettext(TITLE, lang)
    figure.text(left, 0.958, **_plain(title, family), fontsize=9.5, fontweight="bold", color=INK, va="center")
    if subtitle:
        shown = text_width.shorten(subtitle, SUBTITLE_COLUMNS)
        figure.text(left, 0.913, **_plain(shown, family), fontsize=7.5, color=INK, va="center")
    figure.text(
        left, 0.876, **_plain(gettext(ALLEGATIONS, lang), family), fontsize=6, color=MUTED, va="center"
    )
    box = (right + 0.015, bottom, 1 - right - 0.025, top - bottom)
    _draw_legend(figure, stations, summary, box, lang, family)
    first, second = credit.lines(lang)
    figure.add_artist(
        Rectangle(
            (0, 0), 1, 0.095, transform=figure.transFigure, facecolor="#f3f3f3", edgecolor="none", zorder=0
        )
    )
    for y, line in ((0.068, first), (0.03, second)):
        shown = text_width.shorten(line, CREDIT_COLUMNS)
        figure.text(left, y, **_plain(shown, family), fontsize=5.6, color=INK, va="center")
    figure.text(
        1 - left,
        0.03,
        **_plain(gettext(BASEMAP, lang).format(name="Natural Earth"), family),
        fontsize=5,
        color=MUTED,
        va="center",
        ha="right",
    )

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    full = gettext(TITLED, lang).format(title=title, subtitle=subtitle) if subtitle else title
    png = stamp_png(buffer.getvalue(), credit.png_metadata(full, lang))
    texts = tuple(t.get_text() for t in figure.findobj(Text) if t.get_text())
    return MapImage(png=png, width=width, height=height, pixels=pixels, lang=lang, texts=texts)


def _draw_countries(axes: Any, geo: Geography, extent: Extent, summary: pd.DataFrame) -> None:
    inside = (
        (geo.bounds[:, 2] >= extent.x0)
        & (geo.bounds[:, 0] <= extent.x1)
        & (geo.bounds[:, 3] >= extent.y0)
        & (geo.bounds[:, 1] <= extent.y1)
    )
    chosen = np.flatnonzero(inside)
    land = PathCollection(
        [geo.paths[i] for i in chosen],
        facecolors=mapping.LAND,
        edgecolors=BORDER,
        linewidths=0.3,
        zorder=1,
    )
    axes.add_collection(land)
    strongest = summary["strongest_action"].to_dict() if len(summary) else {}
    # One collection per outline and fill group: matplotlib hatches a whole collection alike.
    for outline in ("dotted", "dashed", "solid"):
        for colour in dict.fromkeys(mapping.ACTION_COLOURS.values()):
            picked = [
                i
                for i in chosen
                if mapping.ACTION_OUTLINES.get(strongest.get(geo.iso2[i], ""), "") == outline
                and mapping.ACTION_COLOURS[strongest[geo.iso2[i]]] == colour
            ]
            if not picked:
                continue
            style = {"dashed": (0, (4, 2)), "dotted": (0, (1, 2))}.get(outline, "solid")
            axes.add_collection(
                PathCollection(
                    [geo.paths[i] for i in picked],
                    facecolors=mapping.drawn_fill(colour),
                    edgecolors=INK,
                    linewidths=0.6,
                    linestyles=style,
                    hatch=_hatch(colour),
                    hatch_linewidth=HATCH_LINEWIDTH,
                    zorder=2,
                )
            )


def _hatch(colour: str) -> str | None:
    """matplotlib's hatch for a fill group, as the map hatches it (none for no group)."""
    angle = mapping.HATCH_ANGLES.get(colour)
    return None if angle is None else HATCH_SYMBOLS[angle]


def _draw_stations(
    axes: Any, stations: pd.DataFrame, figure: Figure, height: int, pin: float
) -> dict[str, tuple[float, float]]:
    if stations.empty:
        return {}
    x = stations["lon"].astype(float).to_numpy()
    y = mercator_y(stations["lat"].astype(float).to_numpy())
    unpublished = (stations["geo_precision"] == "country").to_numpy()
    colours = [vocab.BUREAU_COLOURS.get(b, "#6B6B6B") for b in stations["bureau"]]
    area = (pin * 1.25) ** 2
    if unpublished.any():
        axes.scatter(
            x[unpublished],
            y[unpublished],
            s=area,
            facecolors="white",
            edgecolors="#333333",
            linewidths=1.0,
            linestyles=(0, (2, 1.2)),
            zorder=3,
        )
    placed = ~unpublished
    if placed.any():
        axes.scatter(
            x[placed],
            y[placed],
            s=area,
            c=[c for c, p in zip(colours, placed, strict=True) if p],
            edgecolors="white",
            linewidths=0.9,
            zorder=4,
        )
    figure.canvas.draw()  # fixes the transforms (the axes' limits are final by now)
    points = axes.transData.transform(np.column_stack([x, y]))
    return {
        str(sid): (float(px), float(height - py))
        for sid, (px, py) in zip(stations["station_id"], points, strict=True)
        if math.isfinite(px) and math.isfinite(py)
    }


def _draw_legend(
    figure: Figure,
    stations: pd.DataFrame,
    summary: pd.DataFrame,
    box: tuple[float, ...],
    lang: str = ENGLISH,
    family: list[str] | None = None,
) -> None:
    bureaus, actions = _legend_entries(stations, summary, lang)
    axes = figure.add_axes(box)
    axes.set_axis_off()
    font = {"family": family} if family else {}
    style = {
        "frameon": False,
        "prop": {**font, "size": 5.8},
        "title_fontproperties": {**font, "size": 6.2, "weight": "bold"},
        "alignment": "left",
        "borderaxespad": 0,
    }
    drawn = []
    if bureaus:
        title = text_width.fill(gettext(BUREAU_TITLE, lang), LEGEND_TITLE_COLUMNS)
        first = axes.legend(handles=bureaus, title=title, loc="upper left", **style)
        axes.add_artist(first)
        drawn.append(first)
    if actions:
        wrapped = [
            Patch(
                facecolor=p.get_facecolor(),
                edgecolor=p.get_edgecolor(),
                hatch=p.get_hatch(),
                hatch_linewidth=HATCH_LINEWIDTH,
                linestyle=p.get_linestyle(),
                linewidth=p.get_linewidth(),
                label=text_width.fill(p.get_label(), LABEL_COLUMNS),
            )
            for p in actions
        ]
        title = text_width.fill(gettext(ACTION_TITLE, lang), LEGEND_TITLE_COLUMNS)
        drawn.append(axes.legend(handles=wrapped, title=title, loc="lower left", **style))
    for legend in drawn:
        for text in [*legend.get_texts(), legend.get_title()]:
            text.set_parse_math(False)
