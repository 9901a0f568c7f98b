"""The pages show who says so (AppTest on a dataset with a publisher register): outlet names in
the station panel and the responses table, how sure a row is, and rows by best source."""

from __future__ import annotations

from pathlib import Path

import pytest

from stations.data import load, publishers, synthetic, vocab
from stations.view.filters import escape_markdown
from tests.support.apptest import DATA_PAGE, RESPONSES_PAGE
from tests.support.apptest import open_page as run

REGISTER = """host,name,kind,tier,publisher,wire
example.org,Example Ministry,government_or_court,primary,,
example.net,Example Daily,news,established,,
blog.example,Example Blog,other,weak,,
report.example,Report Author,report_author,primary,,
"""
EVIDENCE = """url,wave,iso2,shows
https://report.example/list,sep-2022,*,the list
https://report.example/list,dec-2022,*,the list
"""


@pytest.fixture
def registered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> load.Dataset:
    rows = synthetic.stations_rows(12)
    for row in rows:
        row["sources"] = "https://report.example/list | " + row["sources"]
    # One row rests on a weak page alone.
    rows[4].update(sources="https://blog.example/post", confidence="low", wave="later")
    directory = synthetic.write_dataset(tmp_path / "data", stations=rows)
    (directory / publishers.REGISTER_FILE).write_text(REGISTER, encoding="utf-8")
    (directory / publishers.EVIDENCE_FILE).write_text(EVIDENCE, encoding="utf-8")
    monkeypatch.setenv("STATIONS_DATA_DIR", str(directory))
    dataset = load.load_dataset(directory)
    assert dataset.register is not None
    return dataset


def test_station_panel_names_the_outlets_and_says_how_sure(registered: load.Dataset) -> None:
    station = registered.stations.iloc[1]
    at = run(station=station["station_id"])
    text = "\n".join(m.value for m in at.markdown)
    assert "[Example Ministry](https://example.org/report/2)" in text
    assert "[Example Daily](https://example.net/news/2)" in text
    assert "](https://example.org/report/2)" in text and "[example.org]" not in text
    assert f"**How sure:** {station['confidence']}," in text
    assert "Best source: primary" in text
    assert "(Report Author, Example Ministry)" in text


def test_station_panel_reads_each_line_as_the_popup_does(registered: load.Dataset) -> None:
    """The panel's lines come from vocab.STATION_FIELDS, the popup's table: "Placed at" says
    "city centre (exact site not shown)" in both, never the panel's own wording."""
    station = registered.stations.iloc[1]
    text = "\n".join(m.value for m in run(station=station["station_id"]).markdown)
    row = station.copy()
    row["address"] = station["address"] if not station["private_residence"] else ""
    for field in vocab.STATION_FIELDS:
        if field.text(row):
            assert f"**{field.label}:** {escape_markdown(field.text(row))}" in text, field.label
    assert f"**Placed at:** {escape_markdown(vocab.PRECISION_LABELS[station['geo_precision']])}" in text


def test_a_weak_only_station_is_flagged_in_the_panel(registered: load.Dataset) -> None:
    station = registered.stations.iloc[4]
    at = run(station=station["station_id"])
    text = "\n".join(m.value for m in at.markdown)
    assert "[Example Blog \\(weak source\\)](https://blog.example/post)" in text
    assert "**How sure:** low, one weak source" in text
    assert "Best source: weak source only" in text


def test_responses_table_lists_outlet_names(registered: load.Dataset) -> None:
    at = run(RESPONSES_PAGE)
    tables = [df.value for df in at.dataframe if "outlets" in df.value.columns]
    assert tables, "the actions table has no outlets column"
    outlets = set(tables[0]["outlets"])
    assert outlets and outlets <= {"Example Ministry"}


def test_data_page_counts_rows_by_best_source_and_shows_the_register(registered: load.Dataset) -> None:
    at = run(DATA_PAGE)
    assert "Rows by their best source" in [h.value for h in at.header]
    by_tier = next(df.value for df in at.dataframe if "File" in df.value.columns)
    stations = by_tier.set_index("File").loc["Stations"]
    assert stations[publishers.TIER_LABELS["primary"]] == len(registered.stations) - 1
    assert stations[publishers.TIER_LABELS["weak"]] == 1
    register = next(df.value for df in at.dataframe if "Outlet" in df.value.columns)
    assert set(register["Outlet"]) == {"Example Ministry", "Example Daily", "Example Blog", "Report Author"}


def test_station_table_names_each_rows_best_source(registered: load.Dataset) -> None:
    at = run()
    table = next(df.value for df in at.dataframe if "first_outlet" in df.value.columns)
    weak_row = registered.stations.iloc[4]["station_id"]
    outlets = dict(zip(table["station_id"], table["first_outlet"], strict=True))
    assert outlets[weak_row] == "Example Blog (weak source)"
    assert {v for k, v in outlets.items() if k != weak_row} == {"Report Author"}
