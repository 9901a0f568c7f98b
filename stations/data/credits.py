"""What the dataset is called, who is credited, and under which licences it is published.

The data package, CITATION.cff, the citation box, the embed credit and every download name say
the same, so the words live once, here, below everything that prints them. Plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from stations.i18n import N_

#: The title (English; the map page shows it through ``gettext``).
DATASET_TITLE = N_("110 Overseas: China's reported overseas police stations")
#: The caveat every view of the data carries (the map page's caption, an exported map).
CAVEAT = N_("Reported allegations: China's government denies running police stations abroad.")
#: What a shared link's preview says of the dashboard (the deployment's nginx adds it to the page).
DATASET_DESCRIPTION = N_(
    "A sourced world map of the overseas police service stations that Chinese public security "
    "bureaus are reported to run abroad: filter by host country, bureau, report and government "
    "response; every station with its sources."
)
#: The prefix of every downloaded file name.
SHORT_NAME = "110-overseas"
#: Who is credited: the project as a whole (each row credits its own sources).
# TRANSLATORS: the project as the author of a citation.
AUTHOR = N_("110 Overseas station tracker contributors")
COMPILED_FROM = N_(
    'Compiled from Safeguard Defenders, "110 Overseas" (September 2022) and "Patrol and Persuade" '
    "(December 2022), and from later government and press reports; each row lists its own sources."
)
#: Where the project's code, issues and corrections live. There is no default: a deployment
#: names its own public repository (``stations.settings.REPOSITORY_URL``), and until it does, no
#: correction link is offered (a guessed address could be claimed by someone else, and readers'
#: reports would reach them). CITATION.cff names the same value, which a test checks.
DEFAULT_REPOSITORY = ""


@dataclass(frozen=True)
class Licence:
    """A licence as the data package and the pages name it (SPDX id, title, canonical URL)."""

    spdx: str
    title: str
    url: str
    short: str


DATA_LICENCE = Licence(
    spdx="CC-BY-4.0",
    title="Creative Commons Attribution 4.0 International",
    url="https://creativecommons.org/licenses/by/4.0/",
    short="CC BY 4.0",
)
CODE_LICENCE = Licence(
    spdx="MIT",
    title="MIT License",
    url="https://opensource.org/license/mit",
    short="MIT",
)
