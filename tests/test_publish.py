"""The static publisher: what it writes, from which data, and how it puts a site in place."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from stations.__main__ import main
from stations.data import dataversion, names_zh
from stations.data.files import DATA_FILES
from stations.data.load import DataError
from stations.i18n import SIMPLIFIED, TRADITIONAL, gettext
from stations.map import mapping
from stations.map.scriptsafe import script_json
from stations.publish import page, site, source, words
from stations.view import embed, grammar
from stations.view.filters import NOTICE_LEAD, Filters

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def loaded() -> source.Source:
    return source.load(DATA)


@pytest.fixture(scope="module")
def built(loaded: source.Source, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published") / "site"
    site.publish(loaded, out, countries=["IT", "NL"])
    return out


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html).group(1)


def test_content_named_files_are_named_by_their_content(built: Path) -> None:
    named = [p for folder in ("data", "page", "img") for p in (built / folder).iterdir() if p.suffix != ".gz"]
    assert len(named) >= 7  # the data, two map scripts (one per depth), the stylesheet, three images
    for path in named:
        stem, digest, ext = path.name.rsplit(".", 2)
        assert digest == hashlib.sha256(path.read_bytes()).hexdigest()[:10], path.name


def test_assets_folder_is_named_by_all_its_files(built: Path) -> None:
    (folder,) = (built / "a").iterdir()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".gz")
    h = hashlib.sha256()
    for path in files:
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    assert folder.name == h.hexdigest()[:10]
    assert (folder / "js" / "published-view.js").exists() and (folder / "basemap" / "places.json").exists()


def test_site_carries_the_data_version_it_was_made_from(built: Path, loaded: source.Source) -> None:
    version = site.read_version(built)
    assert version["digest"] == dataversion.digest([DATA / name for name in DATA_FILES])
    assert version["data_version"] == loaded.version and loaded.version
    index = (built / "index.html").read_text("utf-8")
    assert f'<meta name="stations:data-version" content="{loaded.version}">' in index
    assert f"data version {loaded.version}" in index  # the credit line says it too


def test_pages_hold_no_inline_script_or_style_and_a_strict_policy(built: Path) -> None:
    for path in ("index.html", "country/IT/index.html"):
        html = (built / path).read_text("utf-8")
        assert "<script>" not in html and "<style>" not in html
        assert "default-src &#x27;self&#x27;" in html or "default-src 'self'" in html
        # Every script is a file of this site (no host, no inline code).
        for src in re.findall(r'<script src="([^"]+)"', html):
            assert (
                not re.match(r"^(https?:)?//", src) and (built / path).parent.joinpath(src).resolve().exists()
            )


def test_country_pages_have_their_own_title_description_and_image(built: Path, loaded: source.Source) -> None:
    italy = int((loaded.stations["iso2"] == "IT").sum())
    html = (built / "country" / "IT" / "index.html").read_text("utf-8")
    assert _title(html) == f"Reported Chinese police stations in Italy: {italy}"
    assert f'<meta property="og:title" content="Reported Chinese police stations in Italy: {italy}">' in html
    assert re.search(rf'<meta name="description" content="{italy} sites in Italy reported', html)
    image = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert (
        image.startswith("../../img/preview-IT.")
        and (built / "country" / "IT" / image).resolve().stat().st_size > 10_000
    )
    config = json.loads(re.search(r'id="published-config">(.*?)</script>', html).group(1))
    assert config["preset"] == {"country": "IT"}
    assert not (built / "country" / "FR").exists()  # only the pages asked for


def test_station_table_is_the_dashboards_map_table(built: Path, loaded: source.Source) -> None:
    (table,) = (built / "data").glob("map.*.json")
    data = json.loads(table.read_text("utf-8"))["stations"]
    assert data["n"] == len(loaded.stations)
    assert data["columns"]["station_id"] == list(loaded.stations["station_id"])


def test_grammar_index_keeps_what_the_filters_keep(loaded: source.Source) -> None:
    index = grammar.filter_index(loaded.stations, loaded.summary, loaded.options)
    g = grammar.link_grammar(loaded.options)
    facet = next(f for f in g["facets"] if f["key"] == "action")
    chosen = facet["options"][:2]
    picked = {facet["options"].index(v) for v in chosen}
    match = index["facets"]["action"]
    kept = [index["ids"][i] for i, code in enumerate(match["codes"]) if picked & set(match["rows"][code])]
    expected = Filters(action=tuple(chosen)).apply(loaded.stations, loaded.summary)["station_id"]
    assert kept == list(expected)


def test_nothing_is_published_from_data_that_fails_its_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "data"
    shutil.copytree(DATA, broken)
    stations = broken / "stations.csv"
    lines = stations.read_text("utf-8").splitlines(keepends=True)
    stations.write_text(lines[0] + lines[1].replace(",", ",not-a-number,", 1) + "".join(lines[2:]), "utf-8")
    with pytest.raises(DataError):
        source.load(broken)
    out = tmp_path / "site"
    assert main(["publish", "--data-dir", str(broken), "--out", str(out)]) == 1
    assert not out.exists()
    assert "nothing published" in capsys.readouterr().err


def test_publishing_again_swaps_the_whole_site_in_one_step(loaded: source.Source, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = site.publish(loaded, out, countries=["NL"])
    (out / "stale.txt").write_text("from the old site")
    second = site.publish(loaded, out, countries=["IT"])
    assert first.pages != second.pages
    assert not (out / "stale.txt").exists() and not (out / "country" / "NL").exists()
    assert (out / "country" / "IT" / "index.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no build or old folder left behind


def test_a_link_is_swapped_to_a_new_build_atomically(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "v").write_text("1")
    (two / "v").write_text("2")
    link = tmp_path / "published"
    link.symlink_to("one", target_is_directory=True)
    site.swap_in(two, link)
    assert link.is_symlink() and (link / "v").read_text() == "2"


def _recording_store(stored: dict[str, str], folder: str = "") -> Callable[[str, str, str], str]:
    """A ``store`` for ``page.assemble`` that keeps each file's text in ``stored`` by its URL."""

    def store(text: str, stem: str, ext: str) -> str:
        name = f"{folder}{stem}.{len(stored)}.{ext}"
        stored[name] = text
        return name

    return store


def test_page_assembly_moves_inline_code_into_named_files() -> None:
    stored: dict[str, str] = {}
    store = _recording_store(stored)

    folium_html = (
        "<!DOCTYPE html>\n<html>\n<head><style>a{b:c}</style><script>var x = 1;</script>"
        "<script>\n    L_NO_TOUCH = false;\n    L_DISABLE_3D = false;\n</script></head>"
        '<body><div id="m"></div></body><script>draw("</script>");</script></html>'
    )
    config = {"data": "d.json"}
    meta = page.Meta("T <b>", "D & d", "i.png", "alt")
    html = page.assemble(folium_html, meta, "Credit <i>", config, ".pv{d:e}", "v.js", store)
    assert "<title>T &lt;b&gt;</title>" in html and "Credit &lt;i&gt;" in html
    assert stored["head.0.js"] == "var x = 1;"
    assert "L_NO_TOUCH" not in "".join(stored.values()) + html  # Leaflet's defaults: no file for them
    assert config["mapScripts"] == ["map.1.js"]
    assert stored["page.2.css"] == "a{b:c}\n.pv{d:e}\n"  # folium's styles and the view's: one file
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["page.2.css"]
    assert "<script>" not in html and "<style>" not in html


def test_page_assembly_joins_linked_scripts_and_stylesheets_when_it_can_read_them() -> None:
    stored: dict[str, str] = {}
    store = _recording_store(stored, "../../page/")

    files = {
        "../../a/x/leaflet.js": "var L = {};",
        "../../a/x/view.js": "(function () {})();",
        "../../a/x/css/s.css": ".a{background:url(img/a.png)} .b{background:url('data:,x')} .c{behavior:url(#v)}",
    }
    folium_html = (
        '<!DOCTYPE html>\n<html>\n<head><script src="../../a/x/leaflet.js"></script>'
        '<link rel="stylesheet" href="../../a/x/css/s.css"/><style>m{n:o}</style></head>'
        '<body><div id="m"></div></body><script>draw();</script></html>'
    )
    html = page.assemble(
        folium_html, page.Meta("T", "D", "i.png", "alt"), "C", {"data": "d.json"}, ".pv{}",
        "../../a/x/view.js", store, files.__getitem__,
    )  # fmt: skip
    (script,) = re.findall(r'<script src="([^"]+)" defer></script>', html)
    assert stored[script] == "var L = {};\n;\n(function () {})();\n"
    (sheet,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    css = stored[sheet]
    assert (
        css.index("m{n:o}") < css.index(".pv{}") < css.index(".a{")
    )  # folium's, the view's, then the vendored
    assert 'url("../a/x/css/img/a.png")' in css  # the image, named from page/
    assert "url('data:,x')" in css and "url(#v)" in css  # data and fragment URLs as they were


def test_the_app_copy_follows_the_served_version(
    loaded: source.Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never stale: the app's copy is rebuilt for each version it serves, and only for those."""
    from stations.web import data as web_data
    from stations.web import published

    monkeypatch.setattr(site, "APP_LINK", tmp_path / "static" / "published")
    monkeypatch.setattr(published, "BUILDS", tmp_path / "static" / "published-builds")
    monkeypatch.setattr(published, "_state", {"digest": None, "building": None})
    monkeypatch.setattr(site, "build_site", _only_one_country(site.build_site))
    directory = tmp_path / "data"
    shutil.copytree(DATA, directory)
    keeper = web_data.start_data(directory)
    served = keeper.settled()
    published.ensure(served, directory).join(120)
    assert published.published_digest() == served.digest == keeper.status().version + served.digest[12:]
    assert published.ensure(served, directory) is None  # the same version: nothing to do

    # A broken update is held back: the copy stays that of the version still served.
    stations = directory / "stations.csv"
    good = stations.read_text("utf-8")
    stations.write_text(good.replace("station_id", "stationid", 1), "utf-8")
    broken = keeper.settled()
    assert broken.held_back and broken.digest == served.digest
    assert published.ensure(broken, directory) is None
    assert published.published_digest() == served.digest
    keeper.close()


def _only_one_country(build):  # type: ignore[no-untyped-def]
    def limited(*args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("countries", ["IT"])
        return build(*args, **kwargs)

    return limited


def test_publish_command_writes_a_site(tmp_path: Path) -> None:
    out = tmp_path / "out"
    started = time.monotonic()
    assert main(["publish", "--out", str(out), "--country", "IT"]) == 0
    assert (out / "index.html").exists() and (out / "country" / "IT" / "index.html").exists()
    assert time.monotonic() - started < 600  # bounded, not a timing target


def test_preload_hints_name_exactly_what_the_page_script_fetches(built: Path) -> None:
    """Every file the view script asks for (both data files, the map script) starts loading as
    the page is parsed: the hints name those and nothing else, and each is a file of the site."""
    for path in ("index.html", "country/IT/index.html"):
        html = (built / path).read_text("utf-8")
        config = json.loads(re.search(r'id="published-config">(.*?)</script>', html).group(1))
        hints = page.preloaded(html)
        assert hints == [config["data"], *config["mapScripts"]]
        assert all((built / path).parent.joinpath(url).resolve().is_file() for url in hints)


def test_no_script_holds_up_the_parser(built: Path) -> None:
    """Chromium fetches nothing ahead on a page whose markup holds its policy: every script is
    deferred, so the parser reaches every file's tag at once; the policy is the head's first rule."""
    html = (built / "index.html").read_text("utf-8")
    scripts = re.findall(r"<script src=[^>]*>", html)
    assert scripts and all(" defer>" in tag for tag in scripts)
    head = html.split("</head>")[0]
    assert head.index('<meta charset="utf-8">') < head.index("Content-Security-Policy") < head.index("<link")
    assert head.lower().count("charset") == 1


def test_every_text_file_has_a_gzip_sibling_with_the_same_bytes(built: Path) -> None:
    """What nginx sends as it is (gzip_static): each text file's .gz is that file, compressed."""
    texts = [p for p in built.rglob("*") if p.is_file() and p.suffix in site.GZIP_SUFFIXES]
    assert {p.suffix for p in texts} >= {".html", ".js", ".css", ".json"}
    for path in texts:
        packed = path.with_name(path.name + ".gz")
        raw = path.read_bytes()
        if len(raw) > 1024:  # a tiny file may not shrink: then it has none
            assert packed.stat().st_size < len(raw), path
        if packed.exists():
            assert gzip.decompress(packed.read_bytes()) == raw, path
    orphans = [p for p in built.rglob("*.gz") if not p.with_suffix("").is_file()]
    assert not orphans


def test_gzip_siblings_are_the_same_for_the_same_site(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"x": ' + "1, " * 400 + "1}")
    (tmp_path / "b.png").write_bytes(b"\x89PNG" + bytes(2000))
    first = site.write_gzip_siblings(tmp_path)
    once = (tmp_path / "a.json.gz").read_bytes()
    time.sleep(1.1)  # a time stamp inside would differ now
    assert site.write_gzip_siblings(tmp_path) == first == [tmp_path / "a.json.gz"]
    assert (tmp_path / "a.json.gz").read_bytes() == once


def test_each_page_loads_one_script_and_one_stylesheet_holding_all_it_needs(built: Path) -> None:
    """The scripts and stylesheets folium's page links to are joined at publish time (two code
    files where folium's save loads seven): the one script holds Leaflet, the
    station layer and the view's script, in that order; every url() of the one stylesheet names
    a file of the site."""
    from stations.map import assets

    for path in ("index.html", "country/IT/index.html"):
        html = (built / path).read_text("utf-8")
        here = (built / path).parent
        (script,) = re.findall(r'<script src="([^"]+)" defer></script>', html)
        (sheet,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        code = here.joinpath(script).read_text("utf-8")
        parts = [
            (assets.STATIC_DIR / name).read_text("utf-8").rstrip()
            for name in ("js/leaflet-bundle.js", "js/station-layer.js", site.VIEW_SCRIPT)
        ]
        at = [code.index(part) for part in parts]
        assert at == sorted(at), "the scripts run in the order folium's page loads them"
        css_file = here.joinpath(sheet).resolve()
        css = css_file.read_text("utf-8")
        assert ".leaflet-container" in css and ".marker-cluster" in css and ".pv-map" in css
        refs = [
            u
            for _, u in re.findall(r"""url\((['"]?)([^'")]+)\1\)""", css)
            if not u.startswith(("data:", "#"))
        ]
        assert refs, "Leaflet's stylesheet names its images"
        assert all(css_file.parent.joinpath(u).resolve().is_file() for u in refs), refs


def _config(html: str) -> dict:
    return json.loads(re.search(r'id="published-config">(.*?)</script>', html).group(1))


def test_each_other_language_has_one_words_file_named_by_its_content(
    built: Path, loaded: source.Source
) -> None:
    """zh-Hans and zh-Hant each get data/words.<code>.<hash>.json (and its .gz), named in every
    page's configuration; English has none (the page writes English itself)."""
    files = sorted(p.name for p in (built / "data").glob("words.*.json"))
    assert [name.split(".")[1] for name in files] == [SIMPLIFIED, TRADITIONAL]
    for path in ("index.html", "country/IT/index.html"):
        pages = _config((built / path).read_text("utf-8"))["languages"]["pages"]
        assert set(pages) == {SIMPLIFIED, TRADITIONAL}
        for code, entry in pages.items():
            target = (built / path).parent.joinpath(entry["words"]).resolve()
            assert target.is_file() and target.with_name(target.name + ".gz").is_file()
            assert entry["html"] == code and entry["title"] == gettext(words.TITLE_LINE, code)
    said = json.loads(next((built / "data").glob(f"words.{TRADITIONAL}.*.json")).read_text("utf-8"))
    assert said["page"] == {text: gettext(text, TRADITIONAL) for text in words.PAGE_TEXTS}
    assert said["credit"] == embed.credit_line(loaded.version, loaded.date, "", TRADITIONAL)[0]
    assert said["map"]["Italy"] == "義大利" and said["mapTitle"] == gettext(mapping.MAP_TITLE, TRADITIONAL)
    assert said["reading"]["facets"]["country"]["words"]["IT"] == "義大利"
    assert said["reading"]["noticeLead"] == gettext(NOTICE_LEAD, TRADITIONAL)
    # The register's city names, in Traditional script.
    places, _ = names_zh.read_places(DATA / names_zh.PLACES_FILE)
    assert said["map"]["Prato"] == names_zh.city_names(places, "Hant")[("IT", "Prato")]


def test_an_english_reader_pays_a_few_hundred_bytes_for_the_languages(built: Path) -> None:
    """What chooses the language rides in the page (no request of its own): its bytes on the wire."""
    html = (built / "index.html").read_text("utf-8")
    part = ',"languages":' + script_json(_config(html)["languages"])
    assert part in html
    without = html.replace(part, "")
    wire = len(gzip.compress(html.encode(), 9, mtime=0)) - len(gzip.compress(without.encode(), 9, mtime=0))
    print(f"languages in the page: {len(part.encode())} bytes, {wire} gzipped")
    assert wire < 600


def test_the_page_writes_its_english_texts_from_the_catalogued_ones() -> None:
    """Every English line of the page is a catalog entry (PAGE_TEXTS), written by the markup or
    looked up by the script as it stands there."""
    script = (ROOT / "static" / site.VIEW_SCRIPT).read_text("utf-8")
    markup = page._body("", "", {}, "v.js")
    for text in words.PAGE_TEXTS:
        assert json.dumps(text, ensure_ascii=False) in script or text in markup, text
