"""Write the published site: ``python -m stations publish --out DIR`` and the app's own copy.

Layout of the folder (every name but the pages and ``version.json`` carries its content's hash,
so a browser or CDN may keep it forever; the pages are revalidated)::

    index.html                  the world map (filters from its link)
    country/IT/index.html       one page per host country: its own title, description, image
    version.json                which data it was made from
    data/map.<hash>.json        the station table (the dashboard's map table, every station)
                                and the view: the link grammar and which stations each
                                option keeps (one file: one request before the map)
    data/words.zh-Hans.<hash>.json  what the page writes in another language than English
                                (stations.publish.words): fetched beside the data file by a
                                reader of that language only
    page/*.<hash>.js|css        folium's page code, moved out of the HTML
    img/*.<hash>.png            link-preview images, drawn at publish time
    a/<hash>/...                Leaflet, the station layer, the basemap: the app's static files
    *.gz                        beside each text file, the same bytes gzipped: a server sends
                                them as they are (nginx's gzip_static), with no compression
                                work per request

A site is built in a new folder beside its target and swapped in whole (:func:`swap_in`): a
reader gets the old site or the new one, never half of each.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import gzip
import hashlib
import json
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stations.data import names_zh, publishers, vocab
from stations.i18n import TRADITIONAL
from stations.map import assets, basemap, image, mapping
from stations.map.scriptsafe import script_json
from stations.map.words import source_words
from stations.publish import page, words
from stations.publish.source import Source
from stations.view import citation, embed, grammar
from stations.view.credit import Credit

#: Where the app serves the site (``static/published``) and the path readers use for it; nginx
#: serves the same path from disk in the deployment, so links are the same on both.
APP_PATH = "app/static/published/"
#: The app's copy: a link in ``static/`` to the newest build under ``static/published-builds/``.
APP_LINK = assets.STATIC_DIR / "published"
#: What every site's ``version.json`` holds the data version under (the "never stale" check).
VERSION_FILE = "version.json"
#: The published view's own script and stylesheet (under ``static/``; the stylesheet joins each
#: page's own).
VIEW_SCRIPT = "js/published-view.js"
VIEW_STYLE = "css/published-view.css"
#: Preview images: the size link previews use (Open Graph's recommended 1.91:1).
PREVIEW_SIZE = (1200, 630)
#: The link-preview tags' words: English for every reader (a static server cannot vary them by
#: query string; see ``page._meta_tags``). The page's own lines follow the reader's language.
TITLE = "Reported Chinese overseas police stations"
DESCRIPTION = (
    "A sourced world map of the overseas police service stations that Chinese public security "
    "bureaus are reported to run abroad: filter by host country, bureau, report and government "
    "response; every station with its sources. Reported allegations: China's government denies "
    "running police stations abroad."
)
#: Files of ``static/`` the published page loads (the basemap's whole folder besides).
_STATIC_PARTS: tuple[str, ...] = (
    *(path for _, path in assets.LAYER_JS),
    *(path for _, path in assets.LAYER_CSS),
    *(path for _, path in assets.CLUSTER_CSS),
    *(path for name, path in assets.MAP_CSS if name in mapping.LEAFLET_ASSETS),
    *basemap.SCRIPTS,
    basemap.STYLE,
    VIEW_SCRIPT,
)
_STATIC_FOLDERS = ("basemap", assets.LEAFLET_IMAGES.rstrip("/"))


def _digest(data: bytes, n: int = 10) -> str:
    return hashlib.sha256(data).hexdigest()[:n]


@dataclass(frozen=True)
class Built:
    """What a build wrote: the folder, its pages, and the version it carries."""

    root: Path
    pages: tuple[str, ...]
    digest: str


class _Writer:
    """Writes files under the site's root; content-named files are written once."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, data: bytes | str) -> str:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return relative

    def hashed(self, folder: str, stem: str, ext: str, data: bytes | str) -> str:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        return self.write(f"{folder}/{stem}.{_digest(raw)}.{ext}", raw)


def _static_files() -> list[str]:
    names = set(_STATIC_PARTS)
    for folder in _STATIC_FOLDERS:
        for path in (assets.STATIC_DIR / folder).rglob("*"):
            if path.is_file() and not any(p.startswith(".") for p in path.parts):
                names.add(str(path.relative_to(assets.STATIC_DIR)))
    return sorted(names)


def _copy_static(writer: _Writer) -> str:
    """Copy the static files the page loads under ``a/<hash of them all>/``; return that path."""
    names = _static_files()
    h = hashlib.sha256()
    for name in names:
        h.update(name.encode() + b"\0" + (assets.STATIC_DIR / name).read_bytes())
    folder = f"a/{h.hexdigest()[:10]}"
    for name in names:
        target = writer.root / folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(assets.STATIC_DIR / name, target)
    return folder


#: Files sent compressed: every text file of the site (the PNG images are compressed already).
GZIP_SUFFIXES = (".html", ".js", ".css", ".json", ".svg", ".txt")


def write_gzip_siblings(root: Path) -> list[Path]:
    """Write ``name.gz`` beside every text file under ``root`` (where it is smaller), at the
    highest level and with no time stamp inside, so the same site gives the same bytes."""
    written = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in GZIP_SUFFIXES:
            continue
        raw = path.read_bytes()
        packed = gzip.compress(raw, compresslevel=9, mtime=0)
        if len(packed) < len(raw):
            target = path.with_name(path.name + ".gz")
            target.write_bytes(packed)
            written.append(target)
    return written


def _up(depth: int) -> str:
    return "../" * depth


def _credit_text(source: Source) -> str:
    text, _ = embed.credit_line(source.version, source.date, "")
    return text


def _map_html(source: Source, prefix: str) -> str:
    """folium's page for the whole map; the station table travels apart (an empty one here)."""
    layer = mapping.layer_data(
        source.stations, source.summary, source.shapes, stations_json='{"n":0,"columns":{}}'
    )
    fmap = mapping.map_of_layer(layer, basemap=True, prefix=prefix)
    fmap._id = "published"  # a stable name: the same data publishes the same files
    return fmap.get_root().render()


def _place_words(source: Source, lang: str) -> dict[str, str]:
    """English city -> its name in ``lang``, from the register, and each weak source's label
    (the dashboard's map words)."""
    said = source_words(publishers.source_labels(source.stations), lang)
    if source.places_path is None:
        return said
    places, _ = names_zh.read_places(source.places_path)
    script: names_zh.Script = "Hant" if lang == TRADITIONAL else "Hans"
    return {city: name for (_, city), name in names_zh.city_names(places, script).items()} | said


def _words_files(source: Source, writer: _Writer) -> dict[str, str]:
    """Write each other language's words file; its path under the site's root, per language."""
    countries = dict(source.options.countries)
    files = {}
    for lang in words.other_languages():
        said = words.words_file(
            source.options, countries, _place_words(source, lang), (source.version, source.date), lang
        )
        files[lang] = writer.hashed(words.FOLDER, f"{words.STEM}.{lang}", "json", script_json(said))
    return files


def _country_words(source: Source) -> dict[str, tuple[str, int]]:
    counts = source.stations["iso2"].value_counts()
    return {iso2: (name, int(counts.get(iso2, 0))) for iso2, name in source.options.countries.items()}


def country_title(name: str, count: int) -> str:
    """A country page's title, as a link preview shows it."""
    return f"Reported Chinese police stations in {name}: {count}"


def country_description(name: str, count: int) -> str:
    noun = "site" if count == 1 else "sites"
    return (
        f"{count} {noun} in {name} reported as Chinese overseas police service stations: the bureau "
        "said to run each, the reports, the host government's actions, and every source. Reported "
        "allegations: China's government denies running police stations abroad."
    )


def _preview(source: Source, writer: _Writer, stem: str, subtitle: str, link: str, iso2: str | None) -> str:
    stations = source.stations if iso2 is None else source.stations[source.stations["iso2"] == iso2]
    summary = source.summary.loc[source.summary.index.isin(stations["iso2"])]
    drawn = image.render(
        stations,
        summary,
        source.shapes_path,
        Credit(source.version, source.date, link),
        subtitle=subtitle,
        fit=iso2 is not None,
        fine_shapes=source.fine_shapes_path,
        size=PREVIEW_SIZE,
    )
    return writer.hashed("img", stem, "png", drawn.png)


def build_site(
    source: Source, root: Path, *, public_url: str = "", countries: Iterable[str] | None = None
) -> Built:
    """Write the whole site for ``source`` into the empty folder ``root``.

    ``public_url`` is the dashboard's public address (``STATIONS_PUBLIC_URL``): with it the
    preview tags name absolute URLs, as link previews want, and "Open in the full dashboard"
    leads there; without it both are relative to where the site is served under the app.
    ``countries`` limits the country pages (default: every host country)."""
    writer = _Writer(root)
    static = _copy_static(writer)
    base = public_url.rstrip("/")
    site_url = f"{base}/{APP_PATH}" if base else ""
    view = {
        "grammar": grammar.link_grammar(source.options),
        "index": grammar.filter_index(source.stations, source.summary, source.options),
        "countries": dict(source.options.countries),
        "classKeys": {label: list(keys) for label, _, _, keys in mapping.ACTION_CLASSES},
        "bureaus": list(vocab.BUREAUS),
    }
    data = '{"stations":' + mapping.station_json(source.stations) + ',"view":' + script_json(view) + "}"
    data_file = writer.hashed("data", "map", "json", data)
    words_files = _words_files(source, writer)
    credit = _credit_text(source)
    view_style = (assets.STATIC_DIR / VIEW_STYLE).read_text(encoding="utf-8")
    version = {
        "data_version": source.version,
        "data_date": source.date,
        "digest": source.digest,
        "stations": len(source.stations),
        "licence": citation.DATA_LICENCE.short,
        "built": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    writer.write(VERSION_FILE, json.dumps(version, indent=1) + "\n")
    html_of: dict[int, str] = {}
    pages = []
    named = _country_words(source)
    chosen = list(named) if countries is None else [c for c in countries if c in named]
    targets: list[tuple[str, str | None]] = [("index.html", None)] + [
        (f"country/{iso2}/index.html", iso2) for iso2 in chosen
    ]
    for path, iso2 in targets:
        depth = path.count("/")
        up = _up(depth)
        if depth not in html_of:
            html_of[depth] = _map_html(source, up + static)
        if iso2 is None:
            title, description, subtitle = (
                TITLE,
                DESCRIPTION,
                f"All {len(source.stations):,} reported stations",
            )
            stem = "preview"
        else:
            name, count = named[iso2]
            title, description = country_title(name, count), country_description(name, count)
            subtitle, stem = f"{count:,} reported stations in {name}", f"preview-{iso2}"
        preview = _preview(source, writer, stem, subtitle, f"{site_url}{path}" if base else "", iso2)
        meta = page.Meta(
            title=title,
            description=description,
            image=f"{site_url}{preview}" if base else up + preview,
            image_alt=f"Map: {subtitle}",
            url=f"{site_url}{path}" if base else "",
            width=PREVIEW_SIZE[0],
            height=PREVIEW_SIZE[1],
        )
        config: dict[str, Any] = {
            "version": source.version or "",
            "date": source.date or "",
            "digest": source.digest,
            "data": up + data_file,
            "dashboard": base + "/" if base else "",
            "appPath": APP_PATH,
            "preset": {"country": iso2} if iso2 else {},
            "title": title,
            "languages": words.page_languages({code: up + f for code, f in words_files.items()}),
        }

        def store(text: str, stem: str, ext: str, up: str = up) -> str:
            return up + writer.hashed("page", stem, ext, text)

        def read(url: str, path: str = path) -> str:
            return (root / posixpath.dirname(path) / url).resolve().read_text(encoding="utf-8")

        markup = page.assemble(
            html_of[depth],
            meta,
            credit,
            config,
            view_style,
            f"{up}{static}/{VIEW_SCRIPT}",
            store,
            read,
        )
        writer.write(path, markup)
        pages.append(path)
    write_gzip_siblings(root)
    return Built(root=root, pages=tuple(pages), digest=source.digest)


# -- putting a build in place ------------------------------------------------------------------

_RENAME_EXCHANGE = 2


def _exchange(one: Path, other: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where that is not available."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(one), at_fdcwd, os.fsencode(other), _RENAME_EXCHANGE)
    return done == 0


def swap_in(built: Path, target: Path) -> None:
    """Put the folder ``built`` at ``target`` at once, replacing what was there.

    A symbolic link (the app's copy) is replaced by a new link (``os.replace``: atomic). A
    folder is exchanged with the new one in one system call where the system has one (Linux),
    else moved aside and replaced; the old folder is then removed."""
    if target.is_symlink() or not target.exists():
        if target.is_symlink():
            link = target.with_name(f"{target.name}.link-{os.getpid()}")
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            link.symlink_to(os.path.relpath(built, target.parent), target_is_directory=True)
            os.replace(link, target)
            return
        os.rename(built, target)
        return
    if _exchange(built, target):
        shutil.rmtree(built)  # now the old site
        return
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    os.rename(target, old)
    os.rename(built, target)
    shutil.rmtree(old)


def publish(
    source: Source, out: Path, *, public_url: str = "", countries: Iterable[str] | None = None
) -> Built:
    """Build the site for ``source`` beside ``out`` and swap it in (see :func:`swap_in`)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{out.name}-build-", dir=out.parent))
    try:
        built = build_site(source, tmp, public_url=public_url, countries=countries)
        tmp.chmod(0o755)
        swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Built(root=out, pages=built.pages, digest=built.digest)


def read_version(root: Path) -> dict[str, Any] | None:
    """The ``version.json`` of the site at ``root`` (None where there is none)."""
    try:
        return json.loads((root / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
