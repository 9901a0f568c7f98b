"""Every environment variable the app reads, declared once: its name, default and meaning.

A deployment is configured through the environment alone (a container, a preview, a test
server), so the list of what it can set must be complete and in one place: the README's
settings table is this table (``python -m stations settings`` prints it, and a test holds the
two equal). All names share the ``STATIONS_`` prefix; the two older tile names
(``STATION_MAP_TILES``, ``STATION_MAP_TILES_ATTR``) are still read when the new ones are unset,
so existing deployments keep their basemap. Plain Python, imported by every room.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

PREFIX = "STATIONS_"


@dataclass(frozen=True)
class Setting:
    """One environment variable: read with :meth:`read` (never ``os.environ`` elsewhere)."""

    name: str
    default: str
    help: str
    #: Earlier names still honoured when ``name`` is unset or empty.
    old_names: tuple[str, ...] = ()

    def read(self, env: Mapping[str, str] | None = None) -> str:
        """The value set (stripped), else the default: an empty value counts as unset."""
        env = os.environ if env is None else env
        for name in (self.name, *self.old_names):
            value = (env.get(name) or "").strip()
            if value:
                return value
        return self.default

    def number(self, env: Mapping[str, str] | None = None, least: float = 0.01) -> float:
        """The value as a number of at least ``least``; a value that is not a number is the
        default (a typo in a limit must not stop the server)."""
        try:
            return max(least, float(self.read(env)))
        except ValueError:
            return float(self.default)


DATA_DIR = Setting(
    "STATIONS_DATA_DIR", "", "Directory of the data files; empty: `data/` of the checkout (tests, previews)."
)
MAP_TILES = Setting(
    "STATIONS_MAP_TILES",
    "basemap",
    "The map's base layer: `basemap` (the app's own, no outside request), `none`, `osm`, "
    "`carto-light`, or an `http(s)` tile template with `{z}`, `{x}` and `{y}`.",
    old_names=("STATION_MAP_TILES",),
)
MAP_TILES_ATTR = Setting(
    "STATIONS_MAP_TILES_ATTR",
    "",
    "The credit a custom tile template requires (default: the template's host).",
    old_names=("STATION_MAP_TILES_ATTR",),
)
PUBLIC_URL = Setting(
    "STATIONS_PUBLIC_URL",
    "",
    "The dashboard's public address, for citations, embeds and correction links behind a proxy "
    "(default: the address the reader uses).",
)
REPOSITORY_URL = Setting(
    "STATIONS_REPOSITORY_URL",
    "",
    "The public repository that receives corrections; empty: no correction link is offered "
    "(a guessed address could be claimed by someone else).",
)
MAX_DATA_FILE_MB = Setting(
    "STATIONS_MAX_DATA_FILE_MB",
    "16",
    "The largest data file the server reads, in megabytes; a larger one is refused unread and "
    "the data being served stays.",
)
RUN_BURST = Setting("STATIONS_RUN_BURST", "10", "Script runs a session may start at once.")
RUNS_PER_S = Setting("STATIONS_RUNS_PER_S", "1", "Script runs per second a session gets after its burst.")
FLOOD_STRIKES = Setting(
    "STATIONS_FLOOD_STRIKES", "20", "Over-limit run requests before a session is treated as a flood."
)
FLOOD_RUNS_PER_S = Setting(
    "STATIONS_FLOOD_RUNS_PER_S", "0.2", "Script runs per second a flooding session gets."
)
MESSAGE_BURST = Setting(
    "STATIONS_MESSAGE_BURST",
    "100",
    "Other client messages (heartbeats, downloads) a session may send at once.",
)
MESSAGES_PER_S = Setting(
    "STATIONS_MESSAGES_PER_S",
    "20",
    "Other client messages per second after that burst; the excess is dropped.",
)

CLIENT_RUN_BURST = Setting(
    "STATIONS_CLIENT_RUN_BURST",
    "4",
    "Script runs all the sessions of one client (one address) may start at once.",
)
CLIENT_RUNS_PER_S = Setting(
    "STATIONS_CLIENT_RUNS_PER_S",
    "2",
    "Script runs per second all the sessions of one client get after that burst.",
)
TRUSTED_PROXIES = Setting(
    "STATIONS_TRUSTED_PROXIES",
    "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7",
    "Comma-separated networks whose `X-Real-IP` header names the client (the deployment's "
    "proxy); from anyone else the header is ignored.",
)
STATUS_FILE = Setting(
    "STATIONS_STATUS_FILE",
    "",
    "Set by `python -m stations serve` for its replica, not by hand: the file the replica "
    "reports its state to, which the health probes read.",
)

#: In the README's order.
SETTINGS: tuple[Setting, ...] = (
    DATA_DIR,
    MAP_TILES,
    MAP_TILES_ATTR,
    PUBLIC_URL,
    REPOSITORY_URL,
    MAX_DATA_FILE_MB,
    RUN_BURST,
    RUNS_PER_S,
    FLOOD_STRIKES,
    FLOOD_RUNS_PER_S,
    MESSAGE_BURST,
    MESSAGES_PER_S,
    CLIENT_RUN_BURST,
    CLIENT_RUNS_PER_S,
    TRUSTED_PROXIES,
    STATUS_FILE,
)


def networks(setting: Setting, env: Mapping[str, str] | None = None) -> tuple[IPNetwork, ...]:
    """The value as comma-separated networks; an entry that is not one is left out (and said
    in the log: a typo in one network must not stop the server, nor widen the trust)."""
    found = []
    for entry in setting.read(env).split(","):
        try:
            if entry.strip():
                found.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            log.warning("%s: %r is not a network; left out", setting.name, entry.strip())
    return tuple(found)


def child_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """The environment for a process this one starts: its own, with ``extra`` set."""
    return {**os.environ, **extra}


def markdown_table() -> str:
    """The README's settings table."""
    rows = ["| variable | default | what it sets |", "|---|---|---|"]
    for setting in SETTINGS:
        default = f"`{setting.default}`" if setting.default else "(empty)"
        older = f" (also read: {', '.join(f'`{n}`' for n in setting.old_names)})" if setting.old_names else ""
        rows.append(f"| `{setting.name}` | {default} | {setting.help}{older} |")
    return "\n".join(rows) + "\n"
