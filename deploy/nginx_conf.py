"""Write the nginx configuration that puts N Streamlit replicas behind one address.

Why generated: the replica list appears in several places (one upstream group per replica, the
map from the affinity cookie to its group, the map from the address that answered back to the
replica's name), and a hand-edited copy drifts. ``deploy/nginx.conf`` (mounted by
``docker-compose.yml``) is this script's output for the compose replicas; a test fails when the
committed file differs from a fresh rendering, and the browser tests run the same renderer with
loopback ports.

How a visitor stays on one replica (open-source nginx has no ``sticky cookie``):

- A request without the ``stations_replica`` cookie goes to ``stations_any`` (round robin over
  every replica, so new visitors are spread evenly). A new visitor's page asks two things at
  once before its WebSocket: ``/_stcore/health`` and ``/_stcore/host-config``. Only the first
  takes a turn in that round and sets the cookie; the second goes to ``stations_spare`` (the
  same replicas, a round of its own) and sets none. Were both in one round, each visitor would
  take two turns, and with two replicas every visitor's cookie would name the same one.
- Every response names the replica that answered (``$upstream_addr``, matched by its port) and,
  when the visitor's cookie says otherwise, sets the cookie to that name. The cookie holds only
  ``r1``..``rN``: nothing that identifies the reader, and it expires with the browser session.
- A request with the cookie goes to that replica's own group: the replica first, every other
  replica as a backup. So the page's HTTP requests (the downloads live in the memory of the
  process that made them) and its WebSocket reach the same process, and when that process dies
  the next request goes to a survivor, which then re-issues the cookie with its own name.

Each replica must listen on its own port number: nginx sees the *address* that answered, and
behind Docker's DNS or a Kubernetes Service the IP is not known in advance, the port is.

Run ``python -m deploy.nginx_conf --help``; ``--compose`` rewrites ``deploy/nginx.conf``.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stations.data.credits import DATASET_DESCRIPTION, DATASET_TITLE
from stations.i18n import ENGLISH, SIMPLIFIED, TRADITIONAL, gettext

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_CONF = ROOT / "deploy" / "nginx.conf"

COOKIE = "stations_replica"
TITLE = DATASET_TITLE
DESCRIPTION = DATASET_DESCRIPTION
#: Which preview a link's ``?lang=`` gets, in nginx's regular expressions (first match wins;
#: anything else, or no ``lang``, is English): ``stations.i18n.parse_lang``'s reading of the
#: spellings people type (``zh-Hant``, ``ZH_tw``, ``zh``), which a test holds them to.
PREVIEW_LANGUAGES: tuple[tuple[str, str], ...] = (
    ("~*^zh[-_]hant([-_].*)?$", TRADITIONAL),
    ("~*^zh[-_]hans([-_].*)?$", SIMPLIFIED),
    ("~*^zh[-_](tw|hk|mo)([-_].*)?$", TRADITIONAL),
    ("~*^zh([-_][a-z][a-z])?$", SIMPLIFIED),
)
#: Where nginx serves the link-preview image (docs/screenshot.png) from.
PREVIEW_PATH = "/preview.png"

#: The replicas docker-compose.yml starts (service name and the port each one listens on).
COMPOSE_REPLICAS = ("app1:8501", "app2:8502")
COMPOSE_PUBLIC_URL = "http://localhost:8080"


@dataclass(frozen=True)
class Settings:
    """Everything that differs between deployments; the rest of the configuration is fixed."""

    replicas: tuple[str, ...]
    listen: str = "80"
    public_url: str = "http://localhost"
    preview_image: str = "/srv/preview/screenshot.png"
    #: Connections one client address may hold at once (a reader holds one WebSocket per tab
    #: and a few short requests): below what one replica can run (docs/RELIABILITY.md), so one
    #: address cannot fill a replica. Answered with 429 beyond it.
    conn_per_address: int = 20
    #: New sessions one address may open per minute, and at once (a reader's few tabs and the
    #: reconnects after a restart fit in the burst). The page's health ping before each
    #: WebSocket counts in the same zone, so the zone allows twice these.
    sessions_per_minute: int = 20
    session_burst: int = 5
    #: Connections one replica holds (its sessions' WebSockets and requests in flight): beyond
    #: it nginx tries the next replica, and when every one is full answers 503 (the page retries).
    replica_max_conns: int = 150
    #: New sessions one replica is given per second, and how many more may wait for their turn
    #: in nginx's queue: a surge is admitted at the pace the replicas start sessions, not all at
    #: once into one interpreter. Past the queue: 429, and the page retries.
    admissions_per_s: int = 20
    admission_queue: int = 60
    #: Where nginx finds Streamlit's frontend (the installed package's ``static`` directory)
    #: and the map's own ``static/`` files: it serves both from disk.
    streamlit_static: str = "/srv/streamlit-static"
    app_static: str = "/srv/app-static"
    #: Addresses exempt from the per-address limits (a newsroom's NAT that asked for it); the
    #: replicas' own bounds still apply to them.
    exempt: tuple[str, ...] = ()
    #: Who may embed the dashboard in a frame (CSP frame-ancestors). ``*``: any site, because
    #: newsrooms embed it (``?embed=true``) and the dashboard has no action a click could abuse.
    #: ``'self'`` forbids embedding elsewhere; list origins to allow only those.
    frame_ancestors: str = "*"
    worker_processes: str = "auto"
    #: The account nginx's workers run as when its master runs as root ("" keeps nginx's
    #: default, ``nobody``): they must be able to read every folder the configuration serves.
    user: str = ""
    pid: str = "/tmp/nginx.pid"
    #: Where nginx keeps request bodies and buffered responses ("" keeps nginx's default).
    temp_dir: str = ""
    access_log: str = "/dev/stdout"
    error_log: str = "stderr"
    #: The published map's folder on disk (``python -m stations publish --out DIR``), served at
    #: the path the app serves its own copy under; "" leaves that path to the replicas.
    published_root: str = ""
    #: Addresses of a proxy or CDN in front of nginx: trust its X-Forwarded-For, so the
    #: per-address limit counts readers, not the proxy.
    real_ip_from: tuple[str, ...] = ()

    @property
    def secure_cookie(self) -> bool:
        """Readers come over https: the cookie is ``Secure`` (and may then be ``SameSite=None``)."""
        return self.public_url.startswith("https://")

    def __post_init__(self) -> None:
        if not self.replicas:
            raise ValueError("at least one replica (host:port) is needed")
        ports = []
        for replica in self.replicas:
            match = re.fullmatch(r"([A-Za-z0-9.\-\[\]:]+):(\d{1,5})", replica)
            if not match:
                raise ValueError(f"replica {replica!r}: expected host:port")
            ports.append(match.group(2))
        if len(set(ports)) != len(ports):
            raise ValueError(
                f"replicas {', '.join(self.replicas)}: each needs its own port number "
                "(nginx names the replica that answered by its port)"
            )
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", self.public_url):
            raise ValueError(f"public_url {self.public_url!r}: expected scheme://host[:port], no path")
        for name in (
            "conn_per_address",
            "sessions_per_minute",
            "session_burst",
            "replica_max_conns",
            "admissions_per_s",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for cidr in (*self.real_ip_from, *self.exempt):
            if not re.fullmatch(r"[0-9A-Fa-f.:]+(/\d{1,3})?", cidr):
                raise ValueError(f"address {cidr!r}: expected an address or CIDR range")
        if any(ch in self.frame_ancestors for ch in ';"\n'):
            raise ValueError(
                f"frame_ancestors {self.frame_ancestors!r}: one CSP source list, no ';' or quotes"
            )


def port_of(replica: str) -> str:
    return replica.rsplit(":", 1)[1]


def name_of(index: int) -> str:
    return f"r{index + 1}"


def _security_headers(s: Settings) -> list[str]:
    """Headers every response carries. ``always``: also on errors and the WebSocket's 101.

    A location with any ``add_header`` of its own inherits none of the server's, so each
    location gets this whole list.
    """
    return [
        "add_header X-Content-Type-Options nosniff always;",
        # A click on a source link must not tell the outlet which view the reader was on (the
        # address holds the filters), nor that they came from here at all.
        "add_header Referrer-Policy no-referrer always;",
        f'add_header Content-Security-Policy "frame-ancestors {s.frame_ancestors}" always;',
        'add_header Permissions-Policy "camera=(), microphone=(), geolocation=()" always;',
        "add_header X-Replica $stations_served_by always;",
        "add_header Set-Cookie $stations_set_cookie always;",
    ]


def _preview_tags(s: Settings, lang: str = ENGLISH) -> str:
    """Open Graph and Twitter card tags for the HTML shell: Streamlit's page has none, so a
    shared link would otherwise preview as a blank card. The view is not in them (the query
    string is the reader's business), only the project's title and picture, in the link's
    language (``lang``)."""
    image = f"{s.public_url}{PREVIEW_PATH}"
    title, description = gettext(TITLE, lang), gettext(DESCRIPTION, lang)
    tags = [
        ("property", "og:type", "website"),
        ("property", "og:site_name", "110 Overseas"),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:image", image),
        ("property", "og:image:width", "1400"),
        ("property", "og:image:height", "900"),
        ("property", "og:image:alt", "World map of the reported stations, clustered by region"),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
        ("name", "twitter:image", image),
        ("name", "description", description),
    ]
    markup = "".join(f'<meta {attr}="{key}" content="{html.escape(value)}">' for attr, key, value in tags)
    # The tags sit in a single-quoted nginx string, where quotes, $ and backslashes mean something.
    if any(ch in markup for ch in "'$\\"):
        raise ValueError("the preview tags may not contain ', $ or a backslash (nginx string)")
    return markup


#: Where nginx's own page for a too-long link lives (internal: reached only as the 414 page).
TOO_LONG_PATH = "/_stations/too-long.html"
#: The longest request line nginx reads (method, the link's path and query, protocol): links
#: longer than this get :func:`_too_long_page` instead of nginx's bare 414. A view's link is
#: far shorter (every country selected is under 1 KB).
MAX_LINK = "8k"


def _too_long_page() -> str:
    """A short, readable page for a link too long to open, with a way into the unfiltered map."""
    markup = (
        f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Link too long: {html.escape(TITLE)}</title>"
        '<meta name=viewport content="width=device-width, initial-scale=1"></head>'
        '<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em">'
        "<h1>This link is too long to open</h1>"
        f"<p>The address is longer than the {MAX_LINK[:-1]} KB this site accepts, so it was not read. "
        "It may have been cut or changed on its way here.</p>"
        '<p><a href="/">Open the map with no filters</a> and choose the view again; its address then holds it.</p>'
        "</body></html>"
    )
    if any(ch in markup for ch in "'$\\"):
        raise ValueError("the too-long page may not contain ', $ or a backslash (nginx string)")
    return markup


#: What a refused reader's page says (nginx's 429 text, and the page's note while it retries).
TOO_MANY = "Too many connections from your network, retrying..."
#: What the page says when every replica is full.
BUSY = "The site is busy, retrying..."


def _admission_note() -> str:
    """A script for the HTML shell: while the page's pings to the server are refused (429) or
    the site is full (502-504), or its WebSocket closes before it opens, a line at the top of
    the page says so instead of leaving a blank map; it goes once a ping gets through.
    Streamlit's page retries by itself; this only tells the reader why they wait."""
    script = (
        "(function(){var n=null;"
        "function say(t){if(!document.body){return;}if(!n){n=document.createElement(`div`);"
        "n.setAttribute(`role`,`status`);n.id=`stations-admission`;"
        "n.style.cssText=`position:fixed;top:0;left:0;right:0;z-index:100000;padding:8px 16px;"
        "background:#fff3cd;color:#1f1f1f;font:15px sans-serif;text-align:center`;"
        "document.body.appendChild(n);}n.textContent=t;}"
        "function clear(){if(n){n.remove();n=null;}}"
        "var f=window.fetch;window.fetch=function(u){var p=f.apply(this,arguments);"
        "var s=String(u&&u.url||u);if(s.indexOf(`_stcore/health`)<0&&s.indexOf(`_stcore/host-config`)<0){return p;}"
        "return p.then(function(r){if(r.status===429){say(`" + TOO_MANY + "`);}"
        "else if(r.status>=502&&r.status<=504){say(`" + BUSY + "`);}else if(r.ok){clear();}return r;});};"
        "var W=window.WebSocket;function S(u,p){var w=p===undefined?new W(u):new W(u,p);var o=false;"
        "w.addEventListener(`open`,function(){o=true;clear();});"
        "w.addEventListener(`close`,function(){if(!o){say(`" + TOO_MANY + "`);}});return w;}"
        "S.prototype=W.prototype;S.CONNECTING=0;S.OPEN=1;S.CLOSING=2;S.CLOSED=3;window.WebSocket=S;})();"
    )
    if any(ch in script for ch in "'$\\"):
        raise ValueError("the admission note may not contain ', $ or a backslash (nginx string)")
    return f"<script>{script}</script>"


def render(s: Settings) -> str:
    """The whole nginx.conf for ``s`` (a complete file: nginx -c runs it as it is)."""
    names = [name_of(i) for i in range(len(s.replicas))]
    out: list[str] = []
    w = out.append
    w("# Generated by `python -m deploy.nginx_conf` (deploy/nginx_conf.py): edit that, not this.")
    w(f"# Replicas: {', '.join(f'{n}={r}' for n, r in zip(names, s.replicas, strict=True))}")
    if s.user:
        w(f"user {s.user};")
    w(f"worker_processes {s.worker_processes};")
    w(f"pid {s.pid};")
    w(f"error_log {s.error_log} warn;")
    w("")
    w("events {")
    w("    worker_connections 4096;")
    w("}")
    w("")
    w("http {")
    w("    default_type application/octet-stream;")
    w("    types {")
    w("        text/html html; text/css css; application/javascript js; application/json json;")
    w("        image/png png; image/gif gif; image/svg+xml svg; font/woff2 woff2; font/woff woff;")
    w("        font/ttf ttf; application/vnd.ms-fontobject eot; text/plain txt md;")
    w("    }")
    w("    server_tokens off;")
    w("    sendfile on;")
    if s.temp_dir:
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            w(f"    {kind}_temp_path {s.temp_dir}/{kind};")
    w("")
    w("    # The access log keeps no client address and no query string: the address bar holds")
    w("    # the view a reader looks at, and who read what is nobody's business.")
    w(
        "    log_format stations '$time_iso8601 $request_method $uri $status $body_bytes_sent "
        "$request_time upstream=$upstream_addr replica=$stations_served_by "
        "cookie=$cookie_" + COOKIE + ' ua="$http_user_agent"\';'
    )
    w(f"    access_log {s.access_log} stations;")
    w("")
    w("    # Per client address: connections held at once, and new sessions per minute (see")
    w("    # deploy/nginx_conf.py's Settings). Exempt addresses have an empty key: not counted.")
    for cidr in s.real_ip_from:
        w(f"    set_real_ip_from {cidr};")
    if s.real_ip_from:
        w("    real_ip_header X-Forwarded-For;")
        w("    real_ip_recursive on;")
    w("    geo $stations_exempt {")
    w("        default 0;")
    for cidr in s.exempt:
        w(f"        {cidr} 1;")
    w("    }")
    w("    map $stations_exempt $stations_client {")
    w("        1 '';")
    w("        default $binary_remote_addr;")
    w("    }")
    w("    limit_conn_zone $stations_client zone=per_address:10m;")
    w(f"    limit_conn per_address {s.conn_per_address};")
    w("    limit_conn_status 429;")
    w(
        f"    limit_req_zone $stations_client zone=sessions_per_address:10m rate={2 * s.sessions_per_minute}r/m;"
    )
    w("    # New sessions of every reader: admitted at the pace the replicas start them.")
    w("    map $host $stations_admission { default all; }")
    w(
        "    limit_req_zone $stations_admission zone=admission:1m "
        f"rate={s.admissions_per_s * len(s.replicas)}r/s;"
    )
    w("    limit_req_status 429;")
    w("    limit_req_log_level warn;")
    w("")
    w("    gzip on;")
    w("    gzip_comp_level 5;")
    w("    gzip_min_length 512;")
    w("    gzip_proxied any;")
    w("    gzip_vary on;")
    w(
        "    gzip_types text/css application/javascript text/javascript application/json image/svg+xml text/plain;"
    )
    w("")
    w("    # The link-preview tags of the HTML shell, in the link's language (?lang=).")
    w("    map $arg_lang $stations_preview {")
    for pattern, lang in PREVIEW_LANGUAGES:
        w(f"        \"{pattern}\" '{_preview_tags(s, lang)}';")
    w(f"        default '{_preview_tags(s)}';")
    w("    }")
    w("")
    w("    map $http_upgrade $connection_upgrade {")
    w("        default upgrade;")
    w("        ''      close;")
    w("    }")
    w("")
    w("    # Sticky sessions by cookie (see deploy/nginx_conf.py for why this shape).")
    w(f"    map $cookie_{COOKIE} $stations_upstream {{")
    for name in names:
        w(f"        {name} stations_{name};")
    w("        default stations_any;")
    w("    }")
    w("    # The page's other cookie-less requests: not a turn in the visitors' round.")
    w(f"    map $cookie_{COOKIE} $stations_upstream_spare {{")
    for name in names:
        w(f"        {name} stations_{name};")
    w("        default stations_spare;")
    w("    }")
    w("    # Which replica answered: the last address tried, named by its port.")
    w("    map $upstream_addr $stations_served_by {")
    for name, replica in zip(names, s.replicas, strict=True):
        w(f"        ~:{port_of(replica)}$ {name};")
    w("        default '';")
    w("    }")
    # Over https the cookie is SameSite=None, so that a map embedded in another site (a
    # third-party frame) stays on its replica where the browser allows such cookies.
    secure = "; SameSite=None; Secure" if s.secure_cookie else "; SameSite=Lax"
    w("    # Set the cookie only when it does not already name the replica that answered.")
    w(f'    map "$cookie_{COOKIE}:$stations_served_by" $stations_set_cookie {{')
    w("        ~^(r[0-9]+):\\1$ '';")
    w("        ~:$ '';")
    w(f'        default "{COOKIE}=$stations_served_by; Path=/; HttpOnly{secure}";')
    w("    }")
    w("")
    # A dead replica is skipped for fail_timeout after one failed connection; proxy_next_upstream
    # retries the request on the next one.
    server_opts = f"max_fails=1 fail_timeout=10s max_conns={s.replica_max_conns}"
    w(f"    # Each replica holds at most {s.replica_max_conns} connections (max_conns): then the next one.")
    for group in ("stations_any", "stations_spare"):
        w(f"    upstream {group} {{")
        w(f"        zone {group} 64k;")
        for replica in s.replicas:
            w(f"        server {replica} {server_opts};")
        w("    }")
    for i, name in enumerate(names):
        w(f"    upstream stations_{name} {{")
        w(f"        zone stations_{name} 64k;")
        w(f"        server {s.replicas[i]} {server_opts};")
        for j, other in enumerate(s.replicas):
            if j != i:
                w(f"        server {other} backup max_conns={s.replica_max_conns};")
        w("    }")
    w("")
    w("    server {")
    w(f"        listen {s.listen};")
    w("        server_name _;")
    w("        client_max_body_size 1m;")
    w("        merge_slashes on;")
    w(
        f"        # A link (the request line) up to {MAX_LINK[:-1]} KB; a longer one gets a short page, not a bare 414."
    )
    w(f"        large_client_header_buffers 4 {MAX_LINK};")
    w(f"        error_page 414 {TOO_LONG_PATH};")
    w("        # No path segment starting with a dot (.env, .git, an editor's file) is ever served.")
    w('        if ($uri ~ "/\\.") {')
    w("            return 404;")
    w("        }")
    w("")
    w("        proxy_http_version 1.1;")
    w("        proxy_set_header Host $http_host;")
    w("        proxy_set_header X-Forwarded-Proto $scheme;")
    w("        # The reader's address, for the app's per-client limit: set here, so whatever a")
    w("        # client sent under this name is replaced (stations/web/throttle.py trusts it only")
    w("        # from the proxy's address).")
    w("        proxy_set_header X-Real-IP $remote_addr;")
    w("        # nginx compresses (gzip above) and must see plain HTML to add the preview tags.")
    w('        proxy_set_header Accept-Encoding "";')
    w('        proxy_set_header Connection "";')
    w("        proxy_connect_timeout 3s;")
    w("        proxy_read_timeout 60s;")
    w("        proxy_next_upstream error timeout http_502 http_503 http_504;")
    w("        proxy_next_upstream_timeout 15s;")
    w("        proxy_next_upstream_tries 3;")
    w("        proxy_hide_header X-Content-Type-Options;")
    w("        proxy_hide_header Cache-Control;")
    w("        proxy_hide_header Server;")
    w("")
    headers = _security_headers(s)

    def location(
        spec: str, body: list[str], extra_headers: Sequence[str] = (), own_headers: bool = True
    ) -> None:
        w(f"        location {spec} {{")
        for line in body:
            w(f"            {line}")
        if own_headers:
            for line in [*extra_headers, *headers]:
                w(f"            {line}")
        w("        }")

    location(
        "^~ /_stcore/metrics",
        ["# Session counts are for the operator, not the public (reach a replica directly).", "return 404;"],
    )
    w("        # Refusals and a full house get a short text the page shows while it retries.")
    w("        error_page 429 @too_many;")
    w("        error_page 502 503 504 @busy;")
    location(
        "@too_many",
        ["default_type text/plain;", f"return 429 '{TOO_MANY}';"],
        ["add_header Retry-After 10 always;", "add_header Cache-Control no-store always;"],
    )
    location(
        "@busy",
        ["default_type text/plain;", f"return 503 '{BUSY}';"],
        ["add_header Retry-After 5 always;", "add_header Cache-Control no-store always;"],
    )
    stream_queue = s.admission_queue * len(s.replicas)
    location(
        "= /_stcore/stream",
        [
            "# The session's WebSocket: one per tab. New sessions are rationed per address, then",
            "# admitted at the replicas' pace (a bounded queue); upgrade, no buffering, and a read",
            "# timeout far above Streamlit's 30 s ping so an idle reader is not cut off.",
            f"limit_req zone=sessions_per_address burst={2 * s.session_burst} nodelay;",
            f"limit_req zone=admission burst={stream_queue};",
            "proxy_pass http://$stations_upstream;",
            "proxy_set_header Host $http_host;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            "proxy_set_header X-Real-IP $remote_addr;",
            "proxy_set_header Upgrade $http_upgrade;",
            "proxy_set_header Connection $connection_upgrade;",
            "proxy_buffering off;",
            "proxy_read_timeout 1h;",
            "proxy_send_timeout 1h;",
        ],
        ["add_header Cache-Control no-store always;"],
    )
    if s.published_root:
        _published_location(w, s, headers)
    location(
        "= /_stcore/health",
        [
            "# The page pings this before every WebSocket it opens: counted with the sessions, so",
            "# a refused address learns it here, where the page can say so (429 and its text).",
            f"limit_req zone=sessions_per_address burst={2 * s.session_burst} nodelay;",
            "proxy_pass http://$stations_upstream;",
        ],
        ["add_header Cache-Control no-cache always;"],
    )
    location(
        "^~ /_stcore/",
        [
            "# host-config and the like: asked beside the health ping by a new page, so they",
            "# neither take a turn in the visitors' round nor set the cookie (the ping does).",
            "proxy_pass http://$stations_upstream_spare;",
        ],
        [
            "add_header Cache-Control no-cache always;",
            *(h for h in headers if "Set-Cookie" not in h),
        ],
        own_headers=False,
    )
    location(
        "^~ /app/static/vendor/",
        [
            "# Versioned paths (leaflet@1.9.3/...): a file never changes under its name.",
            f"alias {s.app_static}/vendor/;",
        ],
        ['add_header Cache-Control "public, max-age=31536000, immutable";'],
    )
    location(
        "^~ /app/static/",
        ["# The map's own files (static/), from disk.", f"alias {s.app_static}/;"],
        ['add_header Cache-Control "public, max-age=3600";'],
    )
    location(
        "^~ /static/",
        [
            "# Streamlit's frontend, from the installed package: file names carry a content hash.",
            f"alias {s.streamlit_static}/static/;",
        ],
        ['add_header Cache-Control "public, max-age=31536000, immutable";'],
    )
    for name in ("favicon.png", "manifest.json"):
        location(
            f"= /{name}",
            [f"alias {s.streamlit_static}/{name};"],
            ['add_header Cache-Control "public, max-age=86400";'],
        )
    location(
        f"= {PREVIEW_PATH}",
        ["# The link-preview picture (docs/screenshot.png).", f"alias {s.preview_image};"],
        ['add_header Cache-Control "public, max-age=86400";'],
    )
    location(
        "^~ /media/",
        [
            "# Downloads live in the memory of the replica that runs the reader's session. A",
            "# browser that refuses the cookie (an embed in a site that blocks third-party",
            "# cookies) may ask another replica: a 404 is then retried on the next one.",
            "proxy_pass http://$stations_upstream;",
            "proxy_next_upstream error timeout http_404 http_502 http_503 http_504;",
            f"proxy_next_upstream_tries {len(s.replicas) + 1};",
        ],
        ["add_header Cache-Control no-store always;"],
    )
    location(
        "^~ /component/",
        ["proxy_pass http://$stations_upstream;"],
        ["add_header Cache-Control no-cache always;"],
    )
    location(
        f"= {TOO_LONG_PATH}",
        [
            "# A link longer than the request line nginx reads: say so, and link the unfiltered map.",
            "internal;",
            "default_type text/html;",
            f"return 414 '{_too_long_page()}';",
        ],
        ["add_header Cache-Control no-store always;"],
    )
    location(
        "/",
        [
            "# The HTML shell of every page: Streamlit's index.html (the same for every page,",
            "# as Streamlit serves it), from disk, with the preview tags and the note the page",
            "# shows when it is refused or the site is full, in its <head>.",
            f"root {s.streamlit_static};",
            "try_files /index.html =404;",
            "sub_filter_once on;",
            f"sub_filter '</head>' '$stations_preview{_admission_note()}</head>';",
        ],
        ["add_header Cache-Control no-cache always;"],
    )
    w("    }")
    w("}")
    return "\n".join(out) + "\n"


#: The published map's policy: its own files only (see stations/publish/page.py), embeddable.
PUBLISHED_PATH = "/app/static/published/"
PUBLISHED_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)


def _published_location(w: Any, s: Settings, headers: Sequence[str]) -> None:
    """The published map from disk: no replica needed, so it loads while every one is down.
    Content-named files (data, page code, images, assets) are cached for a year; the pages and
    version.json are revalidated on every visit."""
    own = [
        h
        for h in headers
        if "Content-Security-Policy" not in h and "Set-Cookie" not in h and "X-Replica" not in h
    ]
    policy = (
        f'add_header Content-Security-Policy "{PUBLISHED_CSP}; frame-ancestors {s.frame_ancestors}" always;'
    )
    root = s.published_root.rstrip("/") + "/"
    w(f"        location ^~ {PUBLISHED_PATH} {{")
    w("            # The published map (python -m stations publish): static files, no replica.")
    w(f"            alias {root};")
    w("            index index.html;")
    w("            etag on;")
    w("            # Each text file has its .gz beside it (written at publish time): sent as it is,")
    w("            # no compression per request.")
    w("            gzip_static on;")
    w(f"            location ~ ^{PUBLISHED_PATH}(a|data|page|img)/ {{")
    w('                add_header Cache-Control "public, max-age=31536000, immutable";')
    for line in [policy, *own]:
        w(f"                {line}")
    w("            }")
    w('            add_header Cache-Control "no-cache";')
    for line in [policy, *own]:
        w(f"            {line}")
    w("        }")


def compose_settings() -> Settings:
    """The configuration docker-compose.yml mounts (two replicas, nginx on port 80 inside)."""
    return Settings(
        replicas=COMPOSE_REPLICAS,
        listen="80",
        public_url=COMPOSE_PUBLIC_URL,
        preview_image="/srv/preview/screenshot.png",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--replica",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="a Streamlit replica (repeat; each on its own port)",
    )
    parser.add_argument("--listen", default="80", help="nginx listen directive's argument (default 80)")
    parser.add_argument("--public-url", default="http://localhost", help="scheme://host[:port] readers use")
    parser.add_argument(
        "--preview-image",
        default="/srv/preview/screenshot.png",
        help="file served at /preview.png (docs/screenshot.png)",
    )
    parser.add_argument("--conn-per-address", type=int, default=Settings.conn_per_address)
    parser.add_argument("--frame-ancestors", default=Settings.frame_ancestors)
    parser.add_argument(
        "--real-ip-from",
        action="append",
        default=[],
        metavar="CIDR",
        help="a proxy or CDN in front of nginx whose X-Forwarded-For is trusted (repeat)",
    )
    parser.add_argument(
        "--published-root",
        default="",
        metavar="DIR",
        help=f"serve the published map from this folder at {PUBLISHED_PATH} (default: from the replicas)",
    )
    parser.add_argument("--worker-processes", default="auto")
    parser.add_argument("--pid", default=Settings.pid, help="pid file (default %(default)s)")
    parser.add_argument("--temp-dir", default="", help="directory for nginx's temporary files")
    parser.add_argument("--access-log", default=Settings.access_log)
    parser.add_argument("--error-log", default=Settings.error_log)
    parser.add_argument(
        "--compose",
        action="store_true",
        help=f"write the docker-compose configuration to {COMPOSE_CONF.relative_to(ROOT)}",
    )
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    try:
        if args.compose:
            settings = compose_settings()
            output = args.output or COMPOSE_CONF
        else:
            settings = Settings(
                replicas=tuple(args.replica),
                listen=args.listen,
                public_url=args.public_url.rstrip("/"),
                preview_image=args.preview_image,
                conn_per_address=args.conn_per_address,
                frame_ancestors=args.frame_ancestors,
                worker_processes=args.worker_processes,
                pid=args.pid,
                temp_dir=args.temp_dir,
                access_log=args.access_log,
                error_log=args.error_log,
                real_ip_from=tuple(args.real_ip_from),
                published_root=args.published_root,
            )
            output = args.output
    except ValueError as err:
        print(f"nginx_conf: {err}", file=sys.stderr)
        return 2
    text = render(settings)
    if output is None:
        sys.stdout.write(text)
    else:
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
