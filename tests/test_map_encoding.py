"""The map's colours as numbers: letters readable on every pin, one colour per country class."""

from __future__ import annotations

from coloraide import Color

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


def test_each_action_is_in_exactly_one_class_and_each_class_looks_different() -> None:
    keys = [key for _, _, _, keys in mapping.ACTION_CLASSES for key in keys]
    assert sorted(keys) == sorted([*vocab.ACTION_TYPES, vocab.NO_ACTION])
    looks = [(colour.lower(), outline) for _, colour, outline, _ in mapping.ACTION_CLASSES]
    assert len(set(looks)) == len(looks), "two classes share a fill and an outline"
    assert all(outline in mapping.OUTLINES for _, outline in looks)
    labels = [label for label, _, _, _ in mapping.ACTION_CLASSES]
    assert len(set(labels)) == len(labels)


#: The least CIEDE2000 difference between a pin and any country's ground as drawn: beyond 20
#: two colours read as different colours, not shades of one (an orange pin is never on orange).
PIN_FILL_DE = 20
#: The least CIEDE2000 difference between two bureaus' pins: with normal colour vision, and as
#: deuteranopes and protanopes see them (Machado 2009, full severity), where every pin's letter
#: (F, Q, N, W, O, ?) tells it apart as well. Measured: 21.5 (Qingtian, Unknown); 12.5 (Fuzhou,
#: Other, deutan); 12.2 (Qingtian, Wenzhou, protan).
PIN_PIN_DE = {None: 20, "deutan": 12, "protan": 12}


def _de(one: str, other: str) -> float:
    return Color(one).delta_e(other, method="2000")


def _groups() -> list[str]:
    return list(dict.fromkeys(c.lower() for _, c, outline, _ in mapping.ACTION_CLASSES if outline != "none"))


def test_ciede2000_matches_sharmas_reference_pair() -> None:
    # Sharma, Wu & Dalal (2005), table 1, pair 1: 2.0425.
    lab = Color("lab-d65", [50, 2.6772, -79.7751]).delta_e(Color("lab-d65", [50, 0, -82.7485]), method="2000")
    assert round(lab, 4) == 2.0425


def test_every_fill_groups_hatching_reaches_3_to_1_against_the_land_and_its_tint() -> None:
    """WCAG 2.2 non-text contrast (1.4.11): the part of a country's look that carries its class
    at 3:1 is the hatching (and the outline, in the same ink), seen against the land around the
    country and the tint between its lines. The tints are light on purpose (the layer steps
    back under the pins) and are not 3:1: the hatching's direction and the outline's style
    carry the class, and every tooltip, the legend and the responses page say it in words."""
    basemap_js = (mapping.assets.STATIC_DIR / "js" / "basemap.js").read_text("utf-8")
    assert f'land: "{mapping.LAND}"' in basemap_js  # the land the fills are read against
    assert mapping.contrast_ratio(mapping.HATCH_INK, mapping.LAND) >= 3.0
    for colour in _groups():
        tint = mapping.drawn_fill(colour)
        assert mapping.contrast_ratio(mapping.HATCH_INK, tint) >= 3.0, (colour, tint)
        assert (
            mapping.contrast_ratio(tint, mapping.LAND) < 3.0
        )  # the promise is the hatching's, not the tint's


def test_fill_groups_differ_by_hatching_and_tint_and_outlines_tell_classes_apart_within_a_group() -> None:
    """Groups are told apart by the hatching's direction (four directions) and by hue (tints at
    least 8 CIEDE2000 apart); classes within one group by the outline's style."""
    groups: dict[str, list[str]] = {}
    for _, colour, outline, _ in mapping.ACTION_CLASSES:
        if outline != "none":
            groups.setdefault(colour.lower(), []).append(outline)
    assert 3 <= len(groups) <= 5  # few hue steps
    for outlines in groups.values():
        assert len(set(outlines)) == len(outlines)
    angles = [mapping.HATCH_ANGLES[c] for c in groups]
    assert len(set(a % 180 for a in angles)) == len(angles), angles  # no two groups hatched alike
    tints = [mapping.drawn_fill(c) for c in groups]
    for i, one in enumerate(tints):
        for other in tints[i + 1 :]:
            assert _de(one, other) >= 8, (one, other)


def test_no_pin_shares_its_colour_with_a_country_as_drawn() -> None:
    """Each bureau's pin differs by at least PIN_FILL_DE (CIEDE2000) from every ground a country
    gives it as drawn: the tint (composited at its opacity over the land), the hatching's ink,
    and the hatched area as a whole seen from a little way off (ink and tint mixed in the share
    the lines cover)."""
    worst = []
    for bureau, pin in vocab.BUREAU_COLOURS.items():
        for colour in _groups():
            for ground in (mapping.drawn_fill(colour), mapping.HATCH_INK, mapping.seen_fill(colour)):
                worst.append((round(_de(pin, ground), 1), bureau, colour, ground))
    assert min(worst)[0] >= PIN_FILL_DE, sorted(worst)[:3]


def test_pins_differ_from_each_other_in_every_common_colour_vision() -> None:
    pins = list(vocab.BUREAU_COLOURS.items())
    for deficiency, least in PIN_PIN_DE.items():
        seen = {
            b: Color(c) if deficiency is None else Color(c).filter(deficiency, method="machado").clip()
            for b, c in pins
        }
        for i, (one, _) in enumerate(pins):
            for other, _ in pins[i + 1 :]:
                difference = seen[one].delta_e(seen[other], method="2000")
                assert difference >= least, (deficiency, one, other, round(difference, 1))


def test_the_map_and_its_legend_draw_the_hatching_from_the_palette() -> None:
    layer = mapping.LayerData("{}", "{}", "{}", ("Fuzhou",), ("station_closed", "denied_or_no_action"))
    options = mapping.layer_options(layer, fit=False)
    assert options["actionHatches"]["station_closed"] == mapping.HATCH_ANGLES["#0072b2"]
    assert options["hatch"] == {
        "ink": mapping.HATCH_INK,
        "width": mapping.HATCH_WIDTH,
        "spacing": mapping.HATCH_SPACING,
    }
    swatches = {k["label"]: k for k in options["actionClasses"]}
    closed = swatches["Station closed or closure ordered"]
    assert closed["colour"] == mapping.drawn_fill("#0072b2") and closed["hatch"] == -45
    assert swatches["Denial or decision not to act"]["hatch"] == 90
    assert mapping.seen_fill("#0072b2") == mapping.drawn_fill(
        mapping.HATCH_INK, mapping.HATCH_WIDTH / mapping.HATCH_SPACING, mapping.drawn_fill("#0072b2")
    )


def test_legend_lists_only_the_classes_drawn() -> None:
    layer = mapping.LayerData("{}", "{}", "{}", ("Fuzhou",), ("arrests", vocab.NO_ACTION))
    options = mapping.layer_options(layer, fit=False)
    assert [k["label"] for k in options["actionClasses"]] == [
        "Criminal charges or arrests",
        "No action reported",
    ]
    assert options["letterColours"]["Qingtian"] == "#ffffff"
    assert options["letterColours"]["Fuzhou"] == "#000000"
