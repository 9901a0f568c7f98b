"""The Data & sources page: overview figures, full downloads, and the data documentation."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from stations.data import datapackage, publishers, vocab
from stations.i18n import ENGLISH, N_, format_date, format_number, gettext, translate_labels, translations
from stations.view import citation
from stations.view.filters import Filters, escape_markdown
from stations.web import copy_link, nav
from stations.web.data import DATA_FILES, Data, data_dir, latest_change, recorded_version, served_file

#: The cite box's two fields, as the reader (and a screen reader) is told what they hold.
CITE_LINK_LABEL = N_("Link to the view you are citing")
CITATION_LABEL = N_("Suggested citation")

#: The reconciliation table's name for each report (its totals are cumulative).
REPORT_TOTALS = {
    # TRANSLATORS: report titles (110 Overseas, Patrol and Persuade) stay as published.
    "sep-2022": N_("First report (Sept 2022, 110 Overseas)"),
    # TRANSLATORS: report titles (110 Overseas, Patrol and Persuade) stay as published.
    "dec-2022": N_("Second report (Dec 2022, Patrol and Persuade)"),
}
#: The publisher register's kinds and tiers, as its table names them.
KIND_LABELS = {
    "report_author": N_("report author"),
    "government_or_court": N_("government or court"),
    "parliament": N_("parliament"),
    "news": N_("news"),
    "reference": N_("reference"),
    "other": N_("other"),
}
TIER_WORDS = {
    "primary": N_("primary"),
    "established": N_("established"),
    "reference": N_("reference"),
    "weak": N_("weak"),
}
#: Where a station's coordinates come from (``geo_source``).
GEO_SOURCE_LABELS = {
    "geocoder": N_("geocoder"),
    "gazetteer": N_("gazetteer"),
    "cache": N_("cache"),
    "manual": N_("manual"),
}


def cite_box(filters: Filters, page: str = "map") -> None:
    """The "Cite this" box, first on the page: the link to the reader's view, the data version and date,
    the licence and a sentence to paste (the parts are built in ``stations.view.citation``)."""
    lang = filters.language
    _ = translations(lang).gettext
    recorded = recorded_version()
    url = nav.public_url(filters, page)
    cite = citation.citation(
        url,
        recorded.version if recorded else None,
        recorded.date if recorded else latest_change(),
        dt.datetime.now(dt.UTC).date(),
        lang,
    )
    data_licence = f"[{cite.licence.short}]({cite.licence.url})"
    code_licence = f"[{citation.CODE_LICENCE.short}]({citation.CODE_LICENCE.url})"
    with st.container(border=True, key="cite_this"):
        st.header(_("Cite this"))
        st.markdown(
            "  \n".join(
                (
                    _("**Title:** {title}").format(title=cite.title),
                    _("**Data version:** {version}, data of {date}").format(
                        version=escape_markdown(cite.version), date=escape_markdown(cite.date)
                    ),
                    _(
                        "**Licence:** data {data_licence}, code {code_licence}: reuse with credit to "
                        "the project and to each row's sources."
                    ).format(data_licence=data_licence, code_licence=code_licence),
                )
            )
        )
        # Light boxes, not st.code: see stations.web.copy_link.
        wide = copy_link.WIDE_CHARS_PER_LINE
        copy_link.copy_box(
            _(CITE_LINK_LABEL), cite.url, key="cite-link", button=_("Copy link"), chars_per_line=wide
        )
        copy_link.copy_box(
            _(CITATION_LABEL), cite.text, key="citation", button=_("Copy citation"), chars_per_line=wide
        )


def _date(value: str, lang: str) -> str:
    """The data's date in ``lang`` (as it is when it is no date: ``unknown``)."""
    try:
        return format_date(value, lang)
    except ValueError:
        return gettext(citation.UNKNOWN_DATE, lang) if value == citation.UNKNOWN_DATE else value


def overview(data: Data, lang: str = ENGLISH) -> None:
    _ = translations(lang).gettext
    number = partial(format_number, lang=lang)
    stations = data.stations
    sd = stations[stations["wave"].isin(["sep-2022", "dec-2022"])]
    st.markdown(
        "  \n".join(
            (
                _("**Latest change to the data:** {date}").format(date=_date(latest_change(), lang)),
                _(
                    "**Stations:** {rows} rows, of which {reports} from Safeguard Defenders' two 2022 "
                    "reports ({september} first listed in September, {december} added in December) in "
                    "{countries} countries, and {later} reported later."
                ).format(
                    rows=number(len(stations)),
                    reports=number(len(sd)),
                    september=number((stations["wave"] == "sep-2022").sum()),
                    december=number((stations["wave"] == "dec-2022").sum()),
                    countries=number(sd["iso2"].nunique()),
                    later=number((stations["wave"] == "later").sum()),
                ),
                _("**Government actions:** {count} dated actions in {countries} countries.").format(
                    count=number(len(data.responses)), countries=number(data.responses["iso2"].nunique())
                ),
            )
        )
    )
    st.warning(
        _(
            "These are reported allegations. China's government denies running police stations "
            "abroad and describes these sites as volunteer-run service centres (see the caveats below)."
        ),
        icon="⚠️",
    )
    reconciliation_table(data, lang)
    sources_by_tier(data, lang)
    counts = stations.groupby(["wave", "bureau"]).size().unstack(fill_value=0)
    counts = counts.reindex([w for w in vocab.WAVES if w in counts.index])
    counts.index = [vocab.wave_labels(lang)[w] for w in counts.index]
    bureaus = vocab.bureau_labels(lang)
    counts.columns = [bureaus.get(b, b) for b in counts.columns]
    st.header(_("Stations by report and bureau"))
    # The report is a named column, not the index (whose header cell would be empty).
    st.dataframe(counts.rename_axis(_("Report")).reset_index(), hide_index=True, width="stretch")
    st.header(_("Placement precision"))
    precision = stations.groupby(["geo_precision", "geo_source"]).size().rename("stations").reset_index()
    precisions = translate_labels(vocab.PRECISION_LABELS, lang)
    sources = translate_labels(GEO_SOURCE_LABELS, lang)
    st.dataframe(
        pd.DataFrame(
            {
                _("Placed at"): [precisions.get(v, v) for v in precision["geo_precision"]],
                _("Coordinates from"): [sources.get(v, v) for v in precision["geo_source"]],
                _("Stations"): precision["stations"],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def sources_by_tier(data: Data, lang: str = ENGLISH) -> None:
    """How many rows rest on which kind of source, and the register that decides it."""
    if data.dataset.register is None or publishers.TIER_COLUMN not in data.stations:
        return
    _ = translations(lang).gettext
    st.header(_("Rows by their best source"))
    tiers = translate_labels(publishers.TIER_LABELS, lang)
    rows = []
    for name, frame in ((_("Stations"), data.stations), (_("Government actions"), data.responses)):
        counts = frame[publishers.TIER_COLUMN].value_counts()
        rows.append({_("File"): name, **{tiers[t]: int(counts.get(t, 0)) for t in publishers.TIERS}})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(
        _(
            "A row's best source is the strongest among its sources, by the publisher register "
            "(data/publishers.csv): every cited host with the outlet's name, kind and tier. Scraper and "
            "machine-translated copies are not cited (data/blocked_hosts.csv); a row whose sources are "
            "all weak is marked low confidence."
        )
    )
    register = data.dataset.register
    kinds = translate_labels(KIND_LABELS, lang)
    words = translate_labels(TIER_WORDS, lang)
    with st.expander(
        _("The publisher register ({count} outlets)").format(
            count=format_number(len(register.publishers), lang)
        )
    ):
        st.dataframe(
            pd.DataFrame(
                [
                    (p.name, p.host, kinds.get(p.kind, p.kind.replace("_", " ")), words.get(p.tier, p.tier))
                    for p in register.publishers.values()
                ],
                columns=[_("Outlet"), _("Host"), _("Kind"), _("Tier")],
            ),
            hide_index=True,
            width="stretch",
        )


def reconciliation_table(data: Data, lang: str = ENGLISH) -> None:
    """Reported totals against identified rows, with the unidentified remainder made explicit."""
    if data.unidentified is None:
        return
    _ = translations(lang).gettext
    reports = {**vocab.wave_labels(lang), **translate_labels(REPORT_TOTALS, lang)}
    rows = [
        {
            _("Report (cumulative)"): reports[w.wave],
            _("Stations reported"): w.reported_stations,
            _("Identified here"): w.identified_stations,
            _("Not identified"): w.unidentified_stations,
            _("Countries reported"): w.reported_countries,
            _("Countries identified"): w.identified_countries,
        }
        for w in data.waves
    ]
    st.header(_("How the rows reconcile with the reports"))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(
        _(
            "Stations the reports counted but no public source available to us identifies are not "
            "invented as rows: what is known of them is in data/unidentified.csv."
        )
    )
    with st.expander(_("What is known of the unidentified stations")):
        unidentified = data.unidentified
        if lang != ENGLISH:
            unidentified = unidentified.assign(
                wave=unidentified["wave"].map(lambda w: reports.get(w, w))
            ).rename(columns={c: _(label) for c, label in UNIDENTIFIED_COLUMNS.items()})
        st.dataframe(unidentified, hide_index=True, width="stretch")


#: The headers of ``unidentified.csv`` as a Chinese page shows them (English pages show the
#: file's own column names, as the data dictionary documents them).
UNIDENTIFIED_COLUMNS = {
    "wave": N_("Report"),
    "stations": N_("Stations"),
    "new_countries": N_("Countries not identified"),
    "bureau": N_("Bureau"),
    "what_is_known": N_("What is known (in English)"),
    "sources": N_("Sources"),
}


def full_downloads(lang: str = ENGLISH) -> None:
    st.header(gettext("Download the full files", lang))
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
            gettext("Download {file}", lang).format(file=name),
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


def documentation(lang: str = ENGLISH) -> None:
    """The data dictionary and notes, as the project wrote them (trusted project text, in
    English: a Chinese page says so in each title)."""
    for name, title in (
        ("README.md", N_("Data dictionary and sources policy")),
        ("stations_notes.md", N_("Research notes")),
    ):
        path = data_dir() / name
        if path.exists():
            label = gettext(title, lang)
            if lang != ENGLISH:
                label = gettext("{title} (in English)", lang).format(title=label)
            with st.expander(label, expanded=name == "README.md"):
                st.markdown(path.read_text(encoding="utf-8"))
