"""The map of a view as a PNG (stations/map/image.py): decoded with Pillow, its credit read back
from the metadata and from the pixels, its stations found in their colours."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from stations.data import model, vocab
from stations.data.load import load_dataset
from stations.map import image, mapping
from stations.view import citation
from stations.view.credit import CREDIT_KEY, Credit, png_text

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "data" / "boundaries" / "countries-110m.geojson"
FINE = ROOT / "data" / "boundaries" / "countries-50m.geojson"
CREDIT = Credit("2026-11-27.2", "2026-11-27", "https://maps.example.org/?country=IE")


@pytest.fixture(scope="module")
def world() -> tuple[pd.DataFrame, pd.DataFrame]:
    dataset = load_dataset(ROOT / "data")
    return dataset.stations, model.country_actions(dataset.stations, dataset.responses)


def draw(stations: pd.DataFrame, summary: pd.DataFrame, **kw: object) -> image.MapImage:
    shown = summary.loc[summary.index.isin(stations["iso2"])]
    return image.render(stations, shown, SHAPES, CREDIT, fine_shapes=FINE, **kw)  # type: ignore[arg-type]


def pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as picture:
        return np.asarray(picture.convert("RGB"))


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[k : k + 2], 16) for k in (1, 3, 5)])


def test_png_metadata_carries_the_credit_licence_version_and_link(world) -> None:
    stations, summary = world
    picture = draw(stations[stations["iso2"] == "IE"], summary, subtitle="1 station in Ireland")
    text = png_text(picture.png)
    for needed in ("Safeguard Defenders", "data version 2026-11-27.2", "CC BY 4.0", CREDIT.link):
        assert needed in text[CREDIT_KEY], text
    assert text["Source"] == CREDIT.link
    assert citation.DATA_LICENCE.url in text["Copyright"]
    assert text["Title"].endswith("1 station in Ireland")
    with Image.open(io.BytesIO(picture.png)) as decoded:
        assert decoded.format == "PNG" and decoded.size == (image.WIDTH_PX, image.HEIGHT_PX)


def test_the_credit_is_drawn_in_the_band_under_the_map(world) -> None:
    stations, summary = world
    picture = draw(stations[stations["iso2"] == "IE"], summary)
    rows = pixels(picture.png)
    band = rows[int(picture.height * 0.905) :, : int(picture.width * 0.7)]
    ink = (band.sum(axis=2) < 3 * 110).sum()  # dark text on the light band
    assert ink > 2_000, ink
    # Without a credit the same band holds no text: the count above measures the credit.
    blank = image.render(
        stations[stations["iso2"] == "IE"],
        summary.loc[["IE"]],
        SHAPES,
        Credit(None, None, ""),
        fine_shapes=FINE,
    )
    bare = pixels(blank.png)[int(blank.height * 0.955) :, : int(blank.width * 0.7)]
    assert (bare.sum(axis=2) < 3 * 110).sum() == 0
    assert "data version unknown" in png_text(blank.png)[CREDIT_KEY]


def test_a_station_is_drawn_in_its_bureaus_colour_where_it_stands(world) -> None:
    stations, summary = world
    one = stations[stations["station_id"] == "NG-benin-city-1"]
    picture = draw(one, summary)
    x, y = picture.pixels["NG-benin-city-1"]
    assert 0 < x < picture.width * 0.74 and picture.height * 0.15 < y < picture.height * 0.885
    centre = pixels(picture.png)[round(y), round(x)].astype(int)
    wanted = rgb(vocab.BUREAU_COLOURS[one["bureau"].iloc[0]])
    assert np.abs(centre - wanted).max() <= 3, (centre, wanted)


def test_countries_in_view_are_filled_with_their_strongest_actions_colour(world) -> None:
    stations, summary = world
    italy = stations[stations["iso2"] == "IT"]
    picture = draw(italy, summary)
    fill = rgb(mapping.drawn_fill(mapping.ACTION_COLOURS[summary.at["IT", "strongest_action"]]))
    drawn = pixels(picture.png).reshape(-1, 3).astype(int)
    share = (np.abs(drawn - fill).max(axis=1) <= 3).mean()
    assert share > 0.1, share  # Italy fills a good part of its own view


def test_the_world_view_draws_every_station_inside_the_frame(world) -> None:
    stations, summary = world
    picture = draw(stations, summary, fit=False)
    assert set(picture.pixels) == set(stations["station_id"])
    xs = np.array([p[0] for p in picture.pixels.values()])
    assert xs.min() > 0 and xs.max() < picture.width * 0.74


def test_text_from_the_data_is_drawn_as_text_not_mathtext(world) -> None:
    stations, summary = world
    # Unbalanced and TeX-like: mathtext would raise on "$\frac$", plain text draws it.
    picture = draw(stations[stations["iso2"] == "IE"], summary, subtitle=r"Costs $5 and $\frac{a}$ <b>x</b>")
    assert png_text(picture.png)["Title"].endswith(r"Costs $5 and $\frac{a}$ <b>x</b>")


def test_an_empty_view_still_draws_the_world_with_its_credit(world) -> None:
    stations, summary = world
    picture = draw(stations.iloc[0:0], summary)
    assert picture.pixels == {}
    assert CREDIT.link in png_text(picture.png)[CREDIT_KEY]
