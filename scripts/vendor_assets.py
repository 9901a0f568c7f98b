"""Fetch the map's third-party assets into static/vendor/ (run by hand; the result is committed).

Why: folium 0.20.0 loads Leaflet & co. from CDNs; the dashboard serves the very same versions
itself (see stations/map/assets.py). A deployment must not need npm, so the copied files are
committed and this script is only re-run when folium is upgraded.

What: for each file that stations/map/assets.py names under ``vendor/<package>@<version>/<path>``,
``npm pack <package>@<version>`` (the npm registry; integrity checked by npm) and copy ``<path>``
out of the tarball, plus the fonts and images that the copied CSS refers to, plus each package's
licence file. Two files are not npm dist files and are made here, said so in SOURCES.md:

* ``bootstrap@3.1.1/dist/css/bootstrap-glyphicons.css``: folium asks for Bootstrap 3.0.0's
  separate glyphicons sheet, which npm never had (Bootstrap 3 starts at 3.1.1 there); the
  glyphicon rules are cut out of 3.1.1's bootstrap.css (whole bootstrap.css would restyle the
  map next to Bootstrap 5).
* ``folium@0.20.0/folium/templates/leaflet.awesome.rotate.min.css``: folium's own file, taken
  from folium's sdist on PyPI (``pip download``) and whitespace-minified like the CDN copy.

Before fetching, it checks that the versions in stations/map/assets.py are those the installed
folium refers to, so an upgrade of folium cannot silently keep old files.

Usage: ``.venv/bin/python scripts/vendor_assets.py`` from the repository root (needs npm and
network access to the npm registry and PyPI).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
import folium.folium  # noqa: E402
from folium.plugins import MarkerCluster  # noqa: E402

from stations.map import assets  # noqa: E402

VENDOR = assets.STATIC_DIR / "vendor"

#: Files that are generated here rather than copied from a package (see the module docstring).
GLYPHICONS = "bootstrap@3.1.1/dist/css/bootstrap-glyphicons.css"
ROTATE_CSS = f"folium@{folium.__version__}/folium/templates/leaflet.awesome.rotate.min.css"

#: Files that scripts load by name rather than through CSS ``url()``: Leaflet's default marker
#: (retina and shadow images too) comes from ``L.Icon.Default.imagePath`` + a file name.
EXTRA_FILES = {
    "leaflet@1.9.3": [
        assets.LEAFLET_IMAGES.removeprefix("vendor/leaflet@1.9.3/") + name
        for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")
    ],
}

#: Licence file names tried in each package, first match wins.
LICENCE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "MIT-LICENCE.txt", "LICENCE")

#: npm's package.json says nothing for this one; its upstream (lvoogdt) is MIT.
LICENCE_OVERRIDES = {"drmonty-leaflet-awesome-markers": "MIT (upstream lvoogdt/Leaflet.awesome-markers)"}

#: Why a version differs from the one in folium's CDN URL, or why a package is here at all.
NOTES = {
    "leaflet-gesture-handling@1.2.2": (
        "Not a folium asset: the station layer's touch and wheel handling (one finger scrolls the "
        "page, two move the map; ctrl/cmd + wheel zooms). Its script is part of "
        "static/js/leaflet-bundle.js (scripts/build_map_bundle.py)."
    ),
    "bootstrap@3.1.1": (
        "folium refers to Bootstrap 3.0.0's bootstrap-glyphicons.css on a CDN; npm has no 3.0.0, "
        "3.1.1 is the closest published version. Only the glyphicon rules of its bootstrap.css "
        "(the @font-face and .glyphicon* rules) are kept, as bootstrap-glyphicons.css."
    ),
    "drmonty-leaflet-awesome-markers@2.0.2": (
        "folium refers to Leaflet.awesome-markers 2.0.2 on cdnjs; the npm package "
        "`leaflet.awesome-markers` has only 2.0.0/2.0.4/2.0.5, while "
        "`drmonty-leaflet-awesome-markers@2.0.2` repackages upstream 2.0.2 unchanged "
        "(its JS is byte-identical to 2.0.4's)."
    ),
    f"folium@{folium.__version__}": (
        "Not on npm: folium's own leaflet.awesome.rotate.css from the folium sdist on PyPI, "
        "whitespace-minified (folium loads the .min.css from a CDN mirror of its GitHub repo)."
    ),
}


def split_spec(relative: str) -> tuple[str, str, str]:
    """``"@scope/pkg@1.2.3/dist/x.js"`` -> ``("@scope/pkg", "1.2.3", "dist/x.js")``."""
    match = re.fullmatch(r"((?:@[^/]+/)?[^/@]+)@([^/]+)/(.+)", relative)
    if not match:
        raise ValueError(f"not vendor/<package>@<version>/<path>: {relative}")
    return match.group(1), match.group(2), match.group(3)


def folium_versions() -> dict[str, str]:
    """folium's asset name -> the version in its CDN URL (what we must match)."""
    defaults = [
        *folium.folium._default_js,
        *folium.folium._default_css,
        # Before assets.use_local_assets() ran, MarkerCluster still holds folium's URLs.
        *MarkerCluster.default_js,
        *MarkerCluster.default_css,
    ]
    versions = {}
    for name, url in defaults:
        match = re.search(r"[@/](\d+\.\d+\.\d+)/", url)
        if match:
            versions[name] = match.group(1)
    return versions


def check_versions() -> list[str]:
    """Problems where stations/map/assets.py and the installed folium disagree on a version."""
    expected = folium_versions()
    allowed = {"glyphicons_css": ("3.0.0", "3.1.1")}  # (folium's, ours): see NOTES
    problems = []
    for name, path in (*assets.MAP_JS, *assets.MAP_CSS, *assets.CLUSTER_JS, *assets.CLUSTER_CSS):
        if name not in expected or not path.startswith("vendor/"):
            continue
        _, version, _ = split_spec(path.removeprefix("vendor/"))
        if version != expected[name] and allowed.get(name) != (expected[name], version):
            problems.append(f"{name}: folium wants {expected[name]}, assets.py has {version}")
    return problems


def npm_pack(spec: str, workdir: Path) -> Path:
    """Unpack ``npm pack spec`` into a fresh folder and return its ``package`` folder."""
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    tarball = workdir / json.loads(out.stdout)[0]["filename"]
    target = workdir / spec.replace("/", "__")
    with tarfile.open(tarball) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def css_references(css: Path) -> list[str]:
    """Relative files a stylesheet loads with ``url(...)`` (data: URIs and fragments skipped)."""
    refs = []
    for raw in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css.read_text("utf-8")):
        ref = raw.split("?")[0].split("#")[0]
        if ref and not raw.startswith(("data:", "#")) and "://" not in ref:
            refs.append(ref)
    return list(dict.fromkeys(refs))


def copy_with_references(package: Path, inner: str, dest_root: Path) -> list[str]:
    """Copy ``inner`` (and, for CSS, what it refers to) from ``package``; return inner paths."""
    copied: list[str] = []
    pending = [normalise(inner)]
    while pending:
        path = pending.pop()
        if path in copied:
            continue
        source = package / path
        if not source.is_file():
            raise FileNotFoundError(f"{source} is not in the package")
        target = dest_root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(path)
        if path.endswith(".css"):
            base = Path(path).parent
            pending += [normalise(f"{base.as_posix()}/{ref}") for ref in css_references(source)]
    return copied


def normalise(path: str) -> str:
    """``"dist/css/../fonts/a.ttf"`` -> ``"dist/fonts/a.ttf"`` (no escaping the package)."""
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if not parts:
                raise ValueError(f"{path} leaves the package")
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def make_glyphicons(package: Path, dest_root: Path) -> list[str]:
    """bootstrap-glyphicons.css from Bootstrap 3.1.1's bootstrap.css, plus its four fonts."""
    css = (package / "dist/css/bootstrap.css").read_text("utf-8")
    start = css.index("@font-face {\n  font-family: 'Glyphicons Halflings';")
    end = css.index("\n.caret {", start)
    header = (
        "/*!\n * Glyphicons rules of Bootstrap v3.1.1 (dist/css/bootstrap.css, lines with the\n"
        " * Glyphicons Halflings @font-face and .glyphicon* classes), cut out by\n"
        " * scripts/vendor_assets.py. Copyright 2011-2014 Twitter, Inc. MIT licence (LICENSE).\n"
        " */\n"
    )
    target = dest_root / "dist/css/bootstrap-glyphicons.css"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(header + css[start:end].strip() + "\n", "utf-8")
    files = ["dist/css/bootstrap-glyphicons.css"]
    for ref in css_references(target):
        files += copy_with_references(package, f"dist/css/{ref}", dest_root)
    return files


def make_rotate_css(workdir: Path, dest_root: Path) -> list[str]:
    """folium's leaflet.awesome.rotate.css from its PyPI sdist, whitespace-minified."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            f"folium=={folium.__version__}",
            "--no-binary",
            ":all:",
            "--no-deps",
            "-q",
            "-d",
            str(workdir),
        ],
        check=True,
        timeout=300,
    )
    sdist = next(workdir.glob(f"folium-{folium.__version__}.tar.gz"))
    member = f"folium-{folium.__version__}/folium/templates/leaflet.awesome.rotate.css"
    with tarfile.open(sdist) as tar:
        handle = tar.extractfile(member)
        licence = tar.extractfile(f"folium-{folium.__version__}/LICENSE.txt")
        assert handle is not None and licence is not None, sdist
        css = handle.read().decode("utf-8")
        (dest_root / "LICENSE.txt").write_bytes(licence.read())
    minified = "\n".join(line.strip() for line in css.splitlines() if line.strip()) + "\n"
    inner = "folium/templates/leaflet.awesome.rotate.min.css"
    target = dest_root / inner
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(minified, "utf-8")
    return [inner, "LICENSE.txt"]


def licence_of(meta: dict) -> str:
    """package.json's licence, in its current (string) or old (object, list) form."""
    value = meta.get("license") or meta.get("licenses") or "?"
    if isinstance(value, list):
        return " OR ".join(licence_of({"license": item}) for item in value)
    if isinstance(value, dict):
        return str(value.get("type", "?"))
    return str(value)


def copy_licence(package: Path, dest_root: Path) -> str | None:
    for name in LICENCE_NAMES:
        if (package / name).is_file():
            shutil.copyfile(package / name, dest_root / name)
            return name
    return None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    problems = check_versions()
    if problems:
        print("stations/map/assets.py does not match the installed folium:", *problems, sep="\n  ")
        return 1
    wanted: dict[str, list[str]] = defaultdict(list)
    vendored = (*assets.MAP_JS, *assets.MAP_CSS, *assets.CLUSTER_JS, *assets.CLUSTER_CSS)
    for _, path in (*vendored, *assets.GESTURE_JS, *assets.GESTURE_CSS):
        if path.startswith("vendor/"):
            relative = path.removeprefix("vendor/")
            name, version, inner = split_spec(relative)
            wanted[f"{name}@{version}"].append(inner)

    rows = []
    with tempfile.TemporaryDirectory(prefix="vendor-assets-") as tmp:
        workdir = Path(tmp)
        shutil.rmtree(VENDOR, ignore_errors=True)
        for spec, inners in sorted(wanted.items()):
            dest_root = VENDOR / spec
            dest_root.mkdir(parents=True)
            name = split_spec(spec + "/x")[0]
            if spec.startswith("folium@"):
                files = make_rotate_css(workdir, dest_root)
                licence, licence_file = "MIT", None
            else:
                package = npm_pack(spec, workdir)
                meta = json.loads((package / "package.json").read_text("utf-8"))
                licence = LICENCE_OVERRIDES.get(name) or licence_of(meta)
                files = []
                for inner in [*inners, *EXTRA_FILES.get(spec, [])]:
                    if spec + "/" + inner == GLYPHICONS:
                        files += make_glyphicons(package, dest_root)
                    else:
                        files += copy_with_references(package, inner, dest_root)
                licence_file = copy_licence(package, dest_root)
            if licence_file:
                files.append(licence_file)
            files = sorted(dict.fromkeys(files))
            rows.append((spec, licence, files, dest_root))
            print(f"{spec}: {len(files)} files")
    write_sources(rows)
    return 0


#: Test-only packages kept under tests/vendor/ (never served by the app), fetched by hand with
#: ``npm pack <spec>``; listed in SOURCES.md with the rest so every third-party file is recorded.
TEST_VENDOR: dict[str, tuple[str, str]] = {
    "axe-core@4.11.0": (
        "MPL-2.0",
        "Test-only, in `tests/vendor/axe-core@4.11.0/`: the accessibility rules engine that "
        "tests/e2e/test_map_accessibility.py runs in Chromium on the map page and its iframe. "
        "`axe.min.js` and `LICENSE` as in the npm tarball.",
    ),
}


def test_vendor_rows() -> list[tuple[str, str, list[str], Path]]:
    """Rows for :data:`TEST_VENDOR`, in :func:`write_sources`' shape (files as found on disk)."""
    rows = []
    for spec, (licence, _) in TEST_VENDOR.items():
        folder = ROOT / "tests" / "vendor" / spec
        rows.append((spec, licence, sorted(p.name for p in folder.iterdir() if p.is_file()), folder))
    return rows


def write_sources(rows: list[tuple[str, str, list[str], Path]]) -> None:
    rows = [*rows, *test_vendor_rows()]
    lines = [
        "# Vendored map assets",
        "",
        "Served by Streamlit at `/app/static/vendor/...` so the map never loads anything from a",
        "CDN (see `stations/map/assets.py`). Written by `scripts/vendor_assets.py`: do not edit by",
        f"hand; re-run it after upgrading folium (now {folium.__version__}). Packages come from",
        "the npm registry (`npm pack <package>@<version>`) unless the notes say otherwise.",
        "",
        "| package | version | licence | files |",
        "| --- | --- | --- | --- |",
    ]
    for spec, licence, files, _ in rows:
        name, version = spec.rsplit("@", 1)
        lines.append(f"| `{name}` | {version} | {licence} | {len(files)} |")
    for spec, _, files, dest_root in rows:
        lines += ["", f"## {spec}", ""]
        if spec in NOTES:
            lines += [NOTES[spec], ""]
        if spec in TEST_VENDOR:
            lines += [TEST_VENDOR[spec][1], ""]
        lines += ["| file | bytes | sha256 |", "| --- | ---: | --- |"]
        for inner in files:
            path = dest_root / inner
            lines.append(f"| `{inner}` | {path.stat().st_size} | `{sha256(path)[:16]}` |")
    (VENDOR / "SOURCES.md").write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
