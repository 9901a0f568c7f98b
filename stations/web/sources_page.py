"""The Data & sources page: overview figures, full downloads, and the data documentation."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from stations.data import datapackage, publishers, vocab
from stations.view import citation
from stations.view.filters import Filters, escape_markdown
from stations.web import copy_link, nav
from stations.web.data import DATA_FILES, Data, data_dir, latest_change, recorded_version, served_file

#: The cite box's two fields, as the reader (and a screen reader) is told what they hold.
CITE_LINK_LABEL = "Link to the view you are citing"
CITATION_LABEL = "Suggested citation"


def cite_box(filters: Filters, page: str = "map") -> None:
    """The "Cite this" box, first on the page: the link to the reader's view, the data version and date,
    the licence and a sentence to paste (the parts are built in ``stations.view.citation``)."""
    recorded = recorded_version()
    url = nav.public_url(filters, page)
    cite = citation.citation(
        url,
        recorded.version if recorded else None,
        recorded.date if recorded else latest_change(),
        dt.datetime.now(dt.UTC).date(),
    )
    with st.container(border=True, key="cite_this"):
        st.header("Cite this")
        st.markdown(
            f"**Title:** {cite.title}  \n"
            f"**Data version:** {escape_markdown(cite.version)}, data of {escape_markdown(cite.date)}  \n"
            f"**Licence:** data [{cite.licence.short}]({cite.licence.url}), code "
            f"[{citation.CODE_LICENCE.short}]({citation.CODE_LICENCE.url}): reuse with credit to "
            "the project and to each row's sources."
        )
        # Light boxes, not st.code: see stations.web.copy_link.
        wide = copy_link.WIDE_CHARS_PER_LINE
        copy_link.copy_box(CITE_LINK_LABEL, cite.url, key="cite-link", chars_per_line=wide)
        copy_link.copy_box(
            CITATION_LABEL, cite.text, key="citation", button="Copy citation", chars_per_line=wide
        )


def overview(data: Data) -> None:
    stations = data.stations
    sd = stations[stations["wave"].isin(["sep-2022", "dec-2022"])]
    st.markdown(
        f"**Latest change to the data:** {latest_change()}  \n"
        f"**Stations:** {len(stations)} rows, of which {len(sd)} from Safeguard Defenders' two 2022 "
        f"reports ({(stations['wave'] == 'sep-2022').sum()} first listed in September, "
        f"{(stations['wave'] == 'dec-2022').sum()} added in December) in {sd['iso2'].nunique()} countries, "
        f"and {(stations['wave'] == 'later').sum()} reported later.  \n"
        f"**Government actions:** {len(data.responses)} dated actions in "
        f"{data.responses['iso2'].nunique()} countries."
    )
    st.warning(
        "These are reported allegations. China's government denies running police stations "
        "abroad and describes these sites as volunteer-run service centres (see the caveats below).",
        icon="⚠️",
    )
    reconciliation_table(data)
    sources_by_tier(data)
    counts = stations.groupby(["wave", "bureau"]).size().unstack(fill_value=0)
    counts = counts.reindex([w for w in vocab.WAVES if w in counts.index])
    counts.index = [vocab.WAVE_LABELS[w] for w in counts.index]
    st.header("Stations by report and bureau")
    # The report is a named column, not the index (whose header cell would be empty).
    st.dataframe(counts.rename_axis("Report").reset_index(), hide_index=True, width="stretch")
    st.header("Placement precision")
    st.dataframe(
        stations.groupby(["geo_precision", "geo_source"]).size().rename("stations").reset_index(),
        hide_index=True,
        width="stretch",
    )


def sources_by_tier(data: Data) -> None:
    """How many rows rest on which kind of source, and the register that decides it."""
    if data.dataset.register is None or publishers.TIER_COLUMN not in data.stations:
        return
    st.header("Rows by their best source")
    rows = []
    for name, frame in (("Stations", data.stations), ("Government actions", data.responses)):
        counts = frame[publishers.TIER_COLUMN].value_counts()
        rows.append(
            {"File": name, **{publishers.TIER_LABELS[t]: int(counts.get(t, 0)) for t in publishers.TIERS}}
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(
        "A row's best source is the strongest among its sources, by the publisher register "
        "(data/publishers.csv): every cited host with the outlet's name, kind and tier. Scraper and "
        "machine-translated copies are not cited (data/blocked_hosts.csv); a row whose sources are "
        "all weak is marked low confidence."
    )
    register = data.dataset.register
    with st.expander(f"The publisher register ({len(register.publishers)} outlets)"):
        st.dataframe(
            pd.DataFrame(
                [(p.name, p.host, p.kind.replace("_", " "), p.tier) for p in register.publishers.values()],
                columns=["Outlet", "Host", "Kind", "Tier"],
            ),
            hide_index=True,
            width="stretch",
        )


def reconciliation_table(data: Data) -> None:
    """Reported totals against identified rows, with the unidentified remainder made explicit."""
    if data.unidentified is None:
        return
    rows = [
        {
            "Report (cumulative)": vocab.WAVE_LABELS[w.wave]
            .split(",")[0]
            .replace("Added in the second", "Second"),
            "Stations reported": w.reported_stations,
            "Identified here": w.identified_stations,
            "Not identified": w.unidentified_stations,
            "Countries reported": w.reported_countries,
            "Countries identified": w.identified_countries,
        }
        for w in data.waves
    ]
    st.header("How the rows reconcile with the reports")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(
        "Stations the reports counted but no public source available to us identifies are not "
        "invented as rows: what is known of them is in data/unidentified.csv."
    )
    with st.expander("What is known of the unidentified stations"):
        st.dataframe(data.unidentified, hide_index=True, width="stretch")


def full_downloads() -> None:
    st.header("Download the full files")
    cols = st.columns(5)
    for col, name, mime in (
        (cols[0], "stations.csv", "text/csv"),
        (cols[1], "responses.csv", "text/csv"),
        (cols[2], publishers.REGISTER_FILE, "text/csv"),
        (cols[3], "README.md", "text/markdown"),
        (cols[4], datapackage.PACKAGE_FILE, "application/json"),
    ):
        if name in DATA_FILES:  # the version being served, even while the file on disk is broken
            if served_file(name) is None:
                continue
            data = lambda name=name: served_file(name) or b""  # noqa: E731 (made on click)
        else:
            path = data_dir() / name
            if not path.exists():
                continue
            data = path.read_bytes
        col.download_button(
            f"Download {name}",
            data=data,
            file_name=_full_file_name(name),
            mime=mime,
            on_click="ignore",
            width="stretch",
        )


def _full_file_name(name: str) -> str:
    """The full files carry the data version in their name, like the downloads of a view."""
    stem, _, ext = name.rpartition(".")
    recorded = recorded_version()
    return citation.download_name(stem.lower(), Filters(), recorded.version if recorded else None, ext)


def documentation() -> None:
    """The data dictionary and notes, as the project wrote them (trusted project text)."""
    for name, title in (
        ("README.md", "Data dictionary and sources policy"),
        ("stations_notes.md", "Research notes"),
    ):
        path = data_dir() / name
        if path.exists():
            with st.expander(title, expanded=name == "README.md"):
                st.markdown(path.read_text(encoding="utf-8"))
