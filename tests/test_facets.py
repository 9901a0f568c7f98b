"""A filter is one record: adding one takes a facet and a ``Filters`` field, and the link, the
counts, the map's data, the embed line and the download names carry it. The action filter is
worded as what it is: the host government's action, shared by every station in the country."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from stations.data import vocab
from stations.view import citation, embed, facets
from stations.view.filters import Filters
from tests.support.apptest import open_page

ROOT = Path(__file__).resolve().parent.parent

#: The two edits the docstring of stations/view/facets.py promises are enough.
TOY_FACET = """    Facet(
        "status",
        "status",
        "Status",
        "status",
        "Where the station stands now.",
        vocabulary=vocab.STATUSES,
        names=vocab.STATUS_LABELS,
    ),
)
BY_KEY"""
TOY_FIELD = "    action: tuple[str, ...] = ()\n    status: tuple[str, ...] = ()\n"

CHECK = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from stations.data import load, model, synthetic, vocab
    from stations.map import payload
    from stations.view import citation, embed
    from stations.view.filters import Filters, Options
    from stations.view.index import StationIndex

    data = load.load_dataset(synthetic.write_dataset(Path(sys.argv[1]), n=30))
    stations, summary = data.stations, model.country_actions(data.stations, data.responses)
    options = Options.from_stations(stations)
    status = options.allowed("status")[0]
    wanted = list(stations.loc[stations["status"] == status, "station_id"])
    assert 0 < len(wanted) < len(stations), wanted

    # The link: read (any case), written back, and unknown values noticed.
    filters, notices = Filters.from_query_params({"status": status.upper()}, options)
    assert filters.status == (status,) and not notices, (filters, notices)
    assert filters.to_query_params() == {"status": status}
    assert Filters.from_query_params({"status": "nowhere"}, options)[1] == ["unknown status 'nowhere'"]
    # The map's data and the counts.
    index = StationIndex(stations, summary, options)
    view = index.view(filters)
    assert json.loads(payload.stations_json(view))["columns"]["station_id"] == wanted
    assert list(filters.apply(stations, summary)["station_id"]) == wanted
    assert index.facet_counts(Filters(), "status")[status] == len(wanted)
    # The embed line and the download name.
    line = embed.filter_summary(filters, options.countries, len(view))
    assert line == f"{len(wanted)} stations · status {vocab.STATUS_LABELS[status]}", line
    name = citation.download_name("stations", filters, None, "csv")
    assert f"_status-{status.replace('_', '-')}" in name, name
    print("ok")
    """
)


def test_a_new_filter_is_one_facet_and_one_field(tmp_path: Path) -> None:
    copy = tmp_path / "app"
    shutil.copytree(ROOT / "stations", copy / "stations", ignore=shutil.ignore_patterns("__pycache__"))
    facets_py = copy / "stations" / "view" / "facets.py"
    text = facets_py.read_text(encoding="utf-8")
    assert text.count("\n)\nBY_KEY") == 1
    facets_py.write_text(text.replace(")\nBY_KEY", TOY_FACET, 1), encoding="utf-8")
    filters_py = copy / "stations" / "view" / "filters.py"
    text = filters_py.read_text(encoding="utf-8")
    assert text.count("    action: tuple[str, ...] = ()\n") == 1
    filters_py.write_text(text.replace("    action: tuple[str, ...] = ()\n", TOY_FIELD), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(tmp_path / "data")],
        cwd=copy,
        env={"PYTHONPATH": str(copy)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_options_are_only_values_some_station_has() -> None:
    stations = pd.DataFrame({"bureau": ["Qingtian", "Fuzhou", "Qingtian"], "wave": ["later"] * 3})
    assert facets.BY_KEY["bureau"].values(stations) == ("Fuzhou", "Qingtian")  # vocabulary order
    assert "Other" not in facets.BY_KEY["bureau"].values(stations)
    assert facets.BY_KEY["wave"].values(stations) == ("later",)


def test_action_options_are_only_the_actions_some_host_government_took() -> None:
    from stations.data import model

    stations = pd.DataFrame(
        {
            "station_id": ["a", "b", "c"],
            "iso2": ["IT", "NL", "XK"],
            "country": ["Italy", "Netherlands", "Kosovo"],
        }
    )
    responses = pd.DataFrame(
        {
            "response_id": ["R1", "R2", "R3"],
            "iso2": ["IT", "IT", "NL"],
            "action_type": ["investigation_opened", "station_closed", "investigation_opened"],
            "date": ["2022-11-01", "2022-12-07", "2022-11-02"],
        }
    )
    summary = model.country_actions(stations, responses)
    action = facets.BY_KEY["action"]
    assert action.values(stations, summary) == ("station_closed", "investigation_opened", vocab.NO_ACTION)
    # Every government acted: "no action reported" is no option either.
    assert vocab.NO_ACTION not in action.values(stations.iloc[:2], summary)
    # The app's options are built with the countries' actions (the sidebar lists these).
    assert len(action.values(stations)) == len(vocab.ACTION_TYPES) + 1  # without them: all


# The action filter says whose action it is -------------------------------------------------------


ACTION = facets.BY_KEY["action"]


def test_the_action_filter_is_worded_as_the_host_governments_country_wide_action() -> None:
    assert "government" in ACTION.label.lower() and "country" in ACTION.label.lower()
    assert "not about the station" in ACTION.help and "country whose government" in ACTION.help
    for value in ACTION.vocabulary:
        label = ACTION.option_label(value, {})
        assert "government" in label.lower(), label  # never the bare "Station closed"
    assert "countries whose government" in ACTION.counted
    line = embed.filter_summary(Filters(action=("station_closed",)), {}, 17)
    assert line == "17 stations in countries whose government's action was Station closed"
    name = citation.download_name("stations", Filters(action=("station_closed",)), None, "csv")
    assert "_government-action-station-closed" in name


def test_the_map_page_words_the_action_filter_as_the_governments(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The menu's label and options, and the counts under it, as the page draws them."""
    monkeypatch.setenv("STATIONS_DATA_DIR", str(data_dir))
    at = open_page("map", action="station_closed")
    menu = at.multiselect(key="filter_action")
    assert menu.label == ACTION.label
    assert menu.value == ["station_closed"]
    assert "Government: Station closed" in menu.options
    assert vocab.ACTION_LABELS["station_closed"] not in menu.options
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Stations in countries whose government took it") for c in captions), captions


def test_map_page_offers_only_taken_actions_and_labels_the_country_level_list() -> None:
    from stations.data import load, model

    dataset = load.load_dataset(ROOT / "data")
    summary = model.country_actions(dataset.stations, dataset.responses)
    taken = set().union(*summary["actions"]) | (
        {vocab.NO_ACTION} if (summary["strongest_action"] == vocab.NO_ACTION).any() else set()
    )
    at = open_page("map")
    menu = next(m for m in at.multiselect if m.label == facets.BY_KEY["action"].label)
    names = {facets.BY_KEY["action"].option_label(v, {}): v for v in facets.BY_KEY["action"].vocabulary}
    assert {names[o] for o in menu.options} == taken
    # The "Shown at country level" list reads its Report column as labels, never "sep-2022".
    at = open_page("map", country="IT")
    listed = [d.value for d in at.dataframe if "notes" in d.value.columns]
    assert len(listed) == 1 and len(listed[0])
    assert set(listed[0]["wave"]) <= set(vocab.WAVE_LABELS.values()), set(listed[0]["wave"])
