"""The map's colours as numbers: letters readable on every pin, one colour per country class."""

from __future__ import annotations

from stations import mapping, vocab


def test_every_bureau_letter_reaches_4_5_to_1_on_its_pin() -> None:
    for bureau, fill in vocab.BUREAU_COLOURS.items():
        ink = mapping.letter_colour(fill)
        assert mapping.contrast_ratio(ink, fill) >= 4.5, (bureau, fill, ink)


def test_contrast_ratio_matches_the_wcag_reference_values() -> None:
    assert round(mapping.contrast_ratio("#000000", "#ffffff"), 2) == 21.0
    assert round(mapping.contrast_ratio("#777777", "#ffffff"), 2) == 4.48
    assert mapping.contrast_ratio("#123456", "#123456") == 1.0


def test_each_action_is_in_exactly_one_class_and_no_two_classes_share_a_colour() -> None:
    keys = [key for _, _, keys in mapping.ACTION_CLASSES for key in keys]
    assert sorted(keys) == sorted([*vocab.ACTION_TYPES, vocab.NO_ACTION])
    colours = [colour.lower() for _, colour, _ in mapping.ACTION_CLASSES]
    assert len(set(colours)) == len(colours)
    labels = [label for label, _, _ in mapping.ACTION_CLASSES]
    assert len(set(labels)) == len(labels)


def test_legend_lists_only_the_classes_drawn() -> None:
    layer = mapping.LayerData("{}", "{}", "{}", ("Fuzhou",), ("arrests", vocab.NO_ACTION))
    options = mapping.layer_options(layer, fit=False)
    assert [k["label"] for k in options["actionClasses"]] == ["Criminal charges or arrests", "No action reported"]
    assert options["letterColours"]["Qingtian"] == "#ffffff"
    assert options["letterColours"]["Fuzhou"] == "#000000"
