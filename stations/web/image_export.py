"""The "Download this view as PNG" button: the map image of ``stations.map.image`` for the
view on screen, with its credit line, in the reader's language. Drawn only when the button is
clicked, once per view, language, data version and link (``View.derived``), and never on a
plain run of the page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from stations.data import datapackage
from stations.data.files import FINE_SHAPES, SHAPES
from stations.i18n import gettext
from stations.map import image
from stations.view import embed, fonts
from stations.view.credit import Credit
from stations.view.filters import Filters
from stations.view.index import View
from stations.web import nav
from stations.web.data import Data, data_dir, latest_change
from stations.web.summary import download_name


def view_credit(filters: Filters, page: str = "map") -> Credit:
    """The credit of this view: the data version being served and the full link to the view."""
    recorded = datapackage.data_version(data_dir())
    link = nav.public_url(filters, page)
    return Credit(
        recorded.version if recorded else None, recorded.date if recorded else latest_change(), link
    )


def map_png_button(data: Data, shown: View, filters: Filters) -> None:
    """The button, disabled when the view is empty. The image speaks the reader's language
    where the server has its font (``fonts.image_language``), else English, and says so."""
    lang = filters.language
    drawn = fonts.image_language(lang)
    credit = view_credit(filters)
    subtitle = embed.filter_summary(filters, data.options.countries, len(shown), drawn)
    fit = not filters.without("station").is_default
    directory = data_dir()

    def draw() -> bytes:
        def make(frame: pd.DataFrame) -> bytes:
            summary = data.summary.loc[data.summary.index.isin(frame["iso2"])]
            fine = directory / FINE_SHAPES
            return image.render(
                frame,
                summary,
                directory / SHAPES if (directory / SHAPES).exists() else None,
                credit,
                subtitle=subtitle,
                fit=fit,
                fine_shapes=fine if fine.exists() else None,
                lang=drawn,
            ).png

        return shown.derived(f"map_png:{drawn}:{fit}:{credit}:{subtitle}", make)

    st.download_button(
        gettext("Download this view as PNG", lang),
        data=draw,
        file_name=download_name("map", filters, "png"),
        mime="image/png",
        on_click="ignore",
        disabled=len(shown) == 0,
        icon=":material/image:",
        help=gettext(
            "The map of this view with its legend and a credit line (sources, data version, "
            "licence CC BY 4.0, link to the view), ready to publish with that credit.",
            lang,
        )
        if drawn == lang
        else gettext(
            "The map of this view with its legend and a credit line (sources, data version, "
            "licence CC BY 4.0, link to the view), ready to publish with that credit. The "
            "image's own words are in English.",
            lang,
        ),
    )
