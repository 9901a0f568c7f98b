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
from stations.i18n import ENGLISH, SIMPLIFIED, TRADITIONAL, gettext
from stations.map import image, mapping
from stations.view import citation, embed, fonts, text_width
from stations.view.credit import CREDIT_KEY, Credit, png_text
from stations.view.filters import Filters

#: A character matplotlib draws from no font of a text's families turns into a failure here: an
#: image of empty boxes must not pass (matplotlib warns "Glyph 20013 (...) missing from font(s)").
pytestmark = pytest.mark.filterwarnings(r"error:Glyph \d+ .* missing from font")

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


#: Three countries, their strongest actions and every bureau of the legend but one.
CHINESE_VIEW = ("IT", "ES", "NL")


def chinese_view(world, lang: str) -> image.MapImage:
    """The view of :data:`CHINESE_VIEW` as the download button draws it for a reader of ``lang``."""
    stations, summary = world
    shown = stations[stations["iso2"].isin(CHINESE_VIEW)]
    countries = dict(zip(stations["iso2"], stations["country"], strict=False))
    drawn = fonts.image_language(lang)
    subtitle = embed.filter_summary(Filters(country=CHINESE_VIEW), countries, len(shown), drawn)
    return draw(shown, summary, subtitle=subtitle, lang=lang)


def _wide(text: str) -> bool:
    return text_width.width(text) > len(text)


@pytest.mark.parametrize("lang", [SIMPLIFIED, TRADITIONAL])
def test_a_chinese_view_is_drawn_in_chinese_with_every_glyph(world, lang) -> None:
    assert fonts.face(fonts.FAMILIES[lang]) is not None, (
        f"{fonts.FAMILIES[lang]} is not installed: `make fonts` installs Debian's {fonts.PACKAGE}"
    )
    english = chinese_view(world, ENGLISH)
    picture = chinese_view(world, lang)  # a missing glyph would fail here (pytestmark)
    assert picture.lang == lang and english.lang == ENGLISH
    # Every text drawn is Chinese (a wide character in each) and none is an English one.
    assert picture.texts and [t for t in picture.texts if not _wide(t)] == []
    assert set(picture.texts).isdisjoint(english.texts)
    title = gettext(image.TITLE, lang)
    assert title in picture.texts and title != image.TITLE
    for bureau, name in vocab.bureau_labels(lang).items():
        if bureau in {"Fuzhou", "Qingtian", "Wenzhou"}:
            assert any(t.startswith(name) for t in picture.texts), name
    for label in ("Station closed or closure ordered", "Investigation opened"):
        assert gettext(label, lang) in picture.texts
    # The image's text chunks say the same in the same language.
    text = png_text(picture.png)
    assert text["Title"].startswith(title) and _wide(text["Title"][len(title) :])
    assert (
        gettext("Sources: Safeguard Defenders' reports and the outlets each row cites.", lang)
        in text[CREDIT_KEY]
    )
    assert CREDIT.link in text[CREDIT_KEY] and _wide(text["Author"])


def test_a_character_missing_from_the_font_fails_the_check_above(world, monkeypatch) -> None:
    """The check can fail: drawn with a family that has no Chinese, matplotlib warns."""
    monkeypatch.setitem(fonts.FAMILIES, SIMPLIFIED, "DejaVu Sans")
    with pytest.warns(UserWarning, match=r"Glyph \d+ .* missing from font"):
        chinese_view(world, SIMPLIFIED)


@pytest.fixture
def no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server without Noto Sans CJK: matplotlib's list and the system have none."""
    monkeypatch.setattr(fonts, "_found", {})
    monkeypatch.setattr(fonts, "_listed", lambda family: None)
    monkeypatch.setattr(fonts, "_add_system_files", lambda: None)


@pytest.mark.usefixtures("no_cjk_font")
def test_without_a_cjk_font_a_chinese_view_is_drawn_in_english_and_logged_once(world, caplog) -> None:
    with caplog.at_level("WARNING", logger=fonts.__name__):
        picture = chinese_view(world, TRADITIONAL)
        again = chinese_view(world, TRADITIONAL)
    assert fonts.image_language(TRADITIONAL) == ENGLISH
    assert picture.lang == again.lang == ENGLISH
    assert image.TITLE in picture.texts and [t for t in picture.texts if _wide(t)] == []
    assert png_text(picture.png)["Title"] == png_text(chinese_view(world, ENGLISH).png)["Title"]
    logged = [r for r in caplog.records if fonts.FAMILIES[TRADITIONAL] in r.getMessage()]
    assert len(logged) == 1 and fonts.PACKAGE in logged[0].getMessage()


def test_a_chinese_subtitle_is_cut_to_the_width_of_an_english_one(world) -> None:
    stations, summary = world
    long_zh = "意大利、西班牙、荷兰、爱尔兰、加拿大、美国、英国、法国、德国、葡萄牙的服务站" * 3
    picture = draw(stations[stations["iso2"] == "IE"], summary, subtitle=long_zh, lang=SIMPLIFIED)
    (drawn,) = [t for t in picture.texts if t.startswith("意大利")]
    assert drawn.endswith("...") and text_width.width(drawn) <= image.SUBTITLE_COLUMNS
    assert len(drawn) <= image.SUBTITLE_COLUMNS // 2 + 3  # two columns a character
