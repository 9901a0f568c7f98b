"""One published page: folium's map page, made fit to be served as a static file.

folium renders a complete HTML page with its scripts and styles inline. A strict Content
Security Policy (``default-src 'self'``) runs no inline script or style, and inline code cannot
be cached by itself, so each inline block moves into a file named by its content: the head's
small scripts stay where they were (as deferred ``<script src>``), the styles become one
stylesheet with the published view's own, and the map's own script (which builds the map and
calls the station layer) is listed in the page's configuration and preloaded, for
``static/js/published-view.js`` to run once the data has arrived and the link has been read. The page then gets its link-preview tags, its counts and notice lines, its
credit line and the link to the full dashboard.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from stations.map.scriptsafe import script_json
from stations.publish.words import LOADING, OPEN_DASHBOARD, TITLE_LINE

#: The page's policy, also sent by nginx as a header: only this site's own files. Style
#: attributes stay allowed (``style-src-attr``): Leaflet's marker icons and the cluster rings
#: are drawn as HTML with a ``style`` attribute; ``<style>`` elements and scripts are not.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)
#: The id of the page's configuration (JSON, read by published-view.js).
CONFIG_ID = "published-config"

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
#: A script the page loads: each is deferred (run in order once the page is parsed). Chromium's
#: preload scanner fetches nothing ahead on a page whose markup holds its policy, so each
#: blocking script would hold back the discovery of every file after it: deferred, none does,
#: and the parser asks for every file at once.
_SCRIPT_SRC = re.compile(r'<script src="([^"]+)"></script>')
#: folium's head script when it sets Leaflet's switches to their defaults (false reads as unset:
#: Leaflet tests ``!window.L_NO_TOUCH``): a file and a request that change nothing, left out.
_DEFAULT_SWITCHES = re.compile(r"\s*L_NO_TOUCH = false;\s*L_DISABLE_3D = false;\s*")
#: A stylesheet folium's head links to (the vendored Leaflet, markercluster and layer styles).
_STYLESHEET = re.compile(r'\s*<link rel="stylesheet" href="([^"]+)"\s*/?>')
#: A ``url(...)`` in a stylesheet (quoted or not): relative ones are rewritten when the
#: stylesheet joins the page's one stylesheet, which lives in another folder.
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
#: folium's charset declaration, far down its head: the page declares its own first (a parser
#: reads the encoding from the first 1024 bytes).
_CONTENT_TYPE = re.compile(r'\s*<meta http-equiv="content-type"[^>]*>', re.I)


@dataclass(frozen=True)
class Meta:
    """What a link preview (and a search engine, and a screen reader's page title) shows."""

    title: str
    description: str
    image: str
    image_alt: str
    url: str = ""
    width: int = 1200
    height: int = 630


def _meta_tags(meta: Meta, version: str) -> str:
    # In English whatever the reader's language: a static server sends one page for every
    # query string, and a link preview reads these tags without running the page's script (which
    # writes everything else in the reader's language: stations.publish.words).
    tags = [
        ("name", "description", meta.description),
        ("property", "og:type", "website"),
        ("property", "og:site_name", "110 Overseas"),
        ("property", "og:title", meta.title),
        ("property", "og:description", meta.description),
        ("property", "og:image", meta.image),
        ("property", "og:image:width", str(meta.width)),
        ("property", "og:image:height", str(meta.height)),
        ("property", "og:image:alt", meta.image_alt),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", meta.title),
        ("name", "twitter:description", meta.description),
        ("name", "twitter:image", meta.image),
        ("name", "stations:data-version", version),
    ]
    if meta.url:
        tags.append(("property", "og:url", meta.url))
    lines = [f"<title>{html.escape(meta.title)}</title>"]
    lines.append('<link rel="icon" href="data:,">')  # no favicon request
    lines += [f'<meta {a}="{k}" content="{html.escape(v, quote=True)}">' for a, k, v in tags]
    return "\n".join(lines)


def _policy() -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{html.escape(CSP)}">'


def _preloads(config: Mapping[str, Any]) -> str:
    """Hints for the files the page's script fetches (the data file, then the map script once
    the data is here): each request starts as the page is parsed, none after another."""
    hints = [(config["data"], 'as="fetch" crossorigin="anonymous"')]
    hints += [(url, 'as="script"') for url in config["mapScripts"]]
    return "\n".join(
        f'<link rel="preload" href="{html.escape(url, quote=True)}" {how}>' for url, how in hints
    )


def preloaded(page_html: str) -> list[str]:
    """The files a page's preload hints name, in order (for its tests)."""
    return [html.unescape(u) for u in re.findall(r'<link rel="preload" href="([^"]+)"', page_html)]


def _body(map_div: str, credit: str, config: Mapping[str, Any], script_src: str) -> str:
    return f"""<div class="pv-page">
<header class="pv-top">
<p id="pv-title" class="pv-title">{html.escape(TITLE_LINE)}</p>
<p id="pv-count" class="pv-count" aria-live="polite">{html.escape(LOADING)}</p>
<p id="pv-notice" class="pv-notice" role="status" hidden></p>
</header>
<main class="pv-map">{map_div}</main>
<footer class="pv-credit">
<span id="pv-credit">{html.escape(credit)}</span>
<a id="pv-dashboard" href="#" target="_blank" rel="noopener" hidden>{html.escape(OPEN_DASHBOARD)}</a>
</footer>
</div>
<script type="application/json" id="{CONFIG_ID}">{script_json(config)}</script>
<script src="{html.escape(script_src, quote=True)}" defer></script>"""


def _moved_css(text: str, href: str, into: str) -> str:
    """``text``, the stylesheet at ``href``, with each relative ``url()`` rewritten to name the
    same file from the folder ``into`` (both relative to the page)."""

    def moved(m: re.Match[str]) -> str:
        ref = m.group(2).strip()
        if ref.startswith(("data:", "/", "#")) or "://" in ref:
            return m.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(href), ref))
        return f'url("{posixpath.relpath(target, into)}")'

    return _CSS_URL.sub(moved, text)


def _bundle(
    head: str, script_src: str, read: Callable[[str], str], store: Callable[[str, str, str], str]
) -> tuple[str, str, str]:
    """Join the head's scripts (in order, then the view's script ``script_src``) into one stored
    file, and its stylesheets' text into one (relative ``url()``s rewritten for the folder the
    stored files live in). Returns the head without those tags, the joined script's URL and the
    stylesheets' text: the page then loads two code files where folium's save loads seven."""
    sources = [*_SCRIPT_SRC.findall(head), script_src]
    # Each file is a whole program (an IIFE or Leaflet's UMD bundle): ";" keeps one file's last
    # statement from running into the next.
    code = store("\n;\n".join(read(src).rstrip() for src in sources) + "\n", "code", "js")
    folder = posixpath.dirname(code)
    sheets = [
        f"/* {posixpath.relpath(href, folder)} */\n" + _moved_css(read(href), href, folder)
        for href in _STYLESHEET.findall(head)
    ]
    return _STYLESHEET.sub("", _SCRIPT_SRC.sub("", head)), code, "\n".join(sheets)


def assemble(
    folium_html: str,
    meta: Meta,
    credit: str,
    config: dict[str, Any],
    stylesheet: str,
    script_src: str,
    store: Callable[[str, str, str], str],
    read: Callable[[str], str] | None = None,
) -> str:
    """The page for folium's rendered ``folium_html``.

    ``store(text, stem, ext)`` writes ``text`` as a content-named file and returns its URL
    relative to the page; ``stylesheet`` is the published view's own CSS (its text: it joins
    folium's styles in the page's one stylesheet, one request less), ``script_src`` the URL of
    its JS. ``config`` gets the map script's URL (``mapScripts``). With ``read`` (a file's text
    by its URL relative to the page), the page's scripts are joined into one file and its
    stylesheets into the one stylesheet: fewer requests before the first marker."""
    head, _, body = folium_html.partition("</head>")
    styles = "\n".join(m.group(1).strip() for m in _STYLE.finditer(head + body))
    head = _STYLE.sub("", head)
    body = _STYLE.sub("", body)
    head = _INLINE_SCRIPT.sub(
        lambda m: (
            ""
            if _DEFAULT_SWITCHES.fullmatch(m.group(1))
            else f'<script src="{store(m.group(1), "head", "js")}"></script>'
        ),
        head,
    )
    config["mapScripts"] = [store(m.group(1), "map", "js") for m in _INLINE_SCRIPT.finditer(body)]
    body = _INLINE_SCRIPT.sub("", body)
    vendor = ""
    if read is not None:
        head, script_src, vendor = _bundle(head, script_src, read, store)
    # folium's styles and the view's first, as when each was its own file: the vendored sheets'
    # rules of the same weight still come after them.
    css = store(styles + "\n" + stylesheet.strip() + "\n" + (vendor + "\n" if vendor else ""), "page", "css")
    head = _CONTENT_TYPE.sub("", head).replace(
        "<head>",
        '<head>\n<meta charset="utf-8">\n'
        + _policy()
        + "\n"
        + _meta_tags(meta, config.get("version") or "")
        + "\n"
        + _preloads(config)
        + f'\n<link rel="stylesheet" href="{css}">',
        1,
    )
    head = _SCRIPT_SRC.sub(r'<script src="\1" defer></script>', head)
    opened, _, rest = body.partition("<body>")
    inner, _, closing = rest.rpartition("</body>")
    page = (
        f"{head}</head>{opened}<body>\n{_body(inner.strip(), credit, config, script_src)}\n</body>{closing}"
    )
    if "<script>" in page or "<style>" in page:
        raise ValueError("an inline script or style is left in the published page")
    return page.replace("<html>", '<html lang="en">', 1)
