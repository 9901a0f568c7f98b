"""The map's colours as numbers: letters readable on every pin, one colour per country class."""

from __future__ import annotations

from stations.data import vocab
from stations.map import mapping


def test_every_bureau_letter_reaches_4_5_to_1_on_its_pin() -> None:
    for bureau, fill in vocab.BUREAU_COLOURS.items():
        ink = mapping.letter_colour(fill)
        assert mapping.contrast_ratio(ink, fill) >= 4.5, (bureau, fill, ink)


def test_contrast_ratio_matches_the_wcag_reference_values() -> None:
    assert round(mapping.contrast_ratio("#000000", "#ffffff"), 2) == 21.0
    assert round(mapping.contrast_ratio("#777777", "#ffffff"), 2) == 4.48
    assert mapping.contrast_ratio("#123456", "#123456") == 1.0


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a ``#rrggbb`` colour, for colour differences."""
    rgb = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_each_action_is_in_exactly_one_class_and_each_class_looks_different() -> None:
    keys = [key for _, _, _, keys in mapping.ACTION_CLASSES for key in keys]
    assert sorted(keys) == sorted([*vocab.ACTION_TYPES, vocab.NO_ACTION])
    looks = [(colour.lower(), outline) for _, colour, outline, _ in mapping.ACTION_CLASSES]
    assert len(set(looks)) == len(looks), "two classes share a fill and an outline"
    assert all(outline in mapping.OUTLINES for _, outline in looks)
    labels = [label for label, _, _, _ in mapping.ACTION_CLASSES]
    assert len(set(labels)) == len(labels)


def test_every_filled_class_reaches_3_to_1_against_the_land_as_drawn() -> None:
    """WCAG 2.2 non-text contrast (1.4.11): a fill that carries meaning, seen at the layer's
    opacity over the basemap's land, is at least 3:1 against the land around it."""
    basemap_js = (mapping.assets.STATIC_DIR / "js" / "basemap.js").read_text("utf-8")
    assert f'land: "{mapping.LAND}"' in basemap_js  # the land the fills are read against
    for label, colour, outline, _ in mapping.ACTION_CLASSES:
        if outline == "none":
            continue  # no fill: "no action reported" is the land itself, with a thin border
        seen = mapping.drawn_fill(colour)
        assert mapping.contrast_ratio(seen, mapping.LAND) >= 3.0, (label, colour, seen)


def test_fill_groups_differ_clearly_and_outlines_tell_classes_apart_within_a_group() -> None:
    """Adjacent classes are told apart by hue between groups (CIE76 difference of at least 25 as
    drawn) and by the outline's style within one group (solid, dashed, dotted: all different)."""
    groups: dict[str, list[str]] = {}
    for _, colour, outline, _ in mapping.ACTION_CLASSES:
        if outline != "none":
            groups.setdefault(colour.lower(), []).append(outline)
    assert 3 <= len(groups) <= 5  # few hue steps
    for outlines in groups.values():
        assert len(set(outlines)) == len(outlines)
    fills = [_lab(mapping.drawn_fill(c)) for c in groups]
    for i, one in enumerate(fills):
        for other in fills[i + 1 :]:
            assert sum((a - b) ** 2 for a, b in zip(one, other, strict=True)) ** 0.5 >= 25, (one, other)


def test_legend_lists_only_the_classes_drawn() -> None:
    layer = mapping.LayerData("{}", "{}", "{}", ("Fuzhou",), ("arrests", vocab.NO_ACTION))
    options = mapping.layer_options(layer, fit=False)
    assert [k["label"] for k in options["actionClasses"]] == [
        "Criminal charges or arrests",
        "No action reported",
    ]
    assert options["letterColours"]["Qingtian"] == "#ffffff"
    assert options["letterColours"]["Fuzhou"] == "#000000"
