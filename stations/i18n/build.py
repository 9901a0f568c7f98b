"""The catalog workflow: extract the marked strings, update the Simplified catalog, derive the
Traditional one, compile both. ``make i18n-extract``, ``i18n-update`` and ``i18n-compile`` run
these through ``python -m stations.i18n``, and so do the tests, so that the check a test makes
is the command a developer runs.

Catalogs carry no source locations and are sorted by message: a moved line or a renamed module
then changes no catalog, and two branches that add strings touch different lines.
"""

from __future__ import annotations

import io
import tempfile
import tomllib
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import write_po

from stations.atomic import atomic_write_text
from stations.i18n import hant
from stations.i18n.catalog import DOMAIN, LOCALES_DIR, compile_po, po_path
from stations.i18n.languages import LANGUAGES

ROOT = LOCALES_DIR.parent.parent
MAPPING = ROOT / "babel.cfg"
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
#: The catalog translated by hand; the other one is derived from it.
SOURCE_CATALOG = "zh_Hans"
DERIVED_CATALOG = "zh_Hant"
PROJECT = "110 Overseas station tracker"


def _version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def _run(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *args])


def extract_catalog(root: Path = ROOT) -> Catalog:
    """Every string marked in the code under ``root`` (as ``babel.cfg`` maps it)."""
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / f"{DOMAIN}.pot"
        _run(
            "extract",
            "--mapping-file", str(root / MAPPING.name),
            "--output-file", str(output),
            "--no-location",
            "--sort-output",
            "--add-comments", "TRANSLATORS:",
            "--project", PROJECT,
            "--version", _version(),
            "--copyright-holder", "the project's contributors",
            str(root),
        )  # fmt: skip
        return hant.read_catalog(output)


def message_keys(catalog: Catalog) -> set[tuple[str | tuple[str, ...], str | None]]:
    """What identifies the entries of a catalog (English string and context; plural pairs)."""
    return {(m.id if isinstance(m.id, str) else tuple(m.id), m.context) for m in catalog if m.id}


def _same_messages(a: Catalog, b: Catalog) -> bool:
    def content(catalog: Catalog) -> list[tuple[object, ...]]:
        return sorted(
            (str(m.id), str(m.context), str(m.string), sorted(m.flags), m.auto_comments, m.user_comments)
            for m in catalog
            if m.id
        )

    return content(a) == content(b)


def _write_if_changed(path: Path, catalog: Catalog, old: Catalog | None) -> bool:
    """Writes only a real change, so that a run that finds nothing new leaves no dated diff."""
    if old is not None and _same_messages(catalog, old):
        return False
    buffer = io.BytesIO()
    write_po(buffer, catalog, no_location=True, ignore_obsolete=True, include_previous=True, sort_output=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, buffer.getvalue().decode("utf-8"))
    return True


def extract(directory: Path = LOCALES_DIR) -> bool:
    """Rewrites ``messages.pot`` from the code; True if it changed."""
    template = directory / TEMPLATE.name
    old = hant.read_catalog(template) if template.exists() else None
    return _write_if_changed(template, extract_catalog(), old)


def update(directory: Path = LOCALES_DIR) -> list[Path]:
    """Merges the template into the Simplified catalog (new strings empty, changed ones fuzzy with
    the old translation as a hint), then derives the Traditional one; the files changed."""
    changed: list[Path] = []
    source = po_path(SOURCE_CATALOG, directory)
    template = hant.read_catalog(directory / TEMPLATE.name)
    if source.exists():
        old = hant.read_catalog(source)
        catalog = hant.read_catalog(source)
        catalog.update(template, update_header_comment=False)
    else:
        old = None
        catalog = Catalog(locale=SOURCE_CATALOG, project=template.project, version=template.version)
        catalog.update(template)
        catalog.fuzzy = False
    if _write_if_changed(source, catalog, old):
        changed.append(source)
    return changed + derive_hant(directory)


def derive_hant(directory: Path = LOCALES_DIR) -> list[Path]:
    """Writes the Traditional catalog from the Simplified one and the overrides."""
    target = po_path(DERIVED_CATALOG, directory)
    text = hant.derived_text(directory)
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return []
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, text)
    return [target]


def compile_all(directory: Path = LOCALES_DIR) -> list[Path]:
    """Builds the ``.mo`` of every catalog whose compiled form differs; the files written."""
    written: list[Path] = []
    for language in LANGUAGES:
        if language.catalog is None:
            continue
        po = po_path(language.catalog, directory)
        mo = po.with_suffix(".mo")
        data = compile_po(po)
        if mo.exists() and mo.read_bytes() == data:
            mo.touch()  # newer than the .po again, so the loader takes it
            continue
        _atomic_write_bytes(mo, data)
        written.append(mo)
    return written


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
        handle.write(data)
    Path(handle.name).chmod(0o644)
    Path(handle.name).replace(path)
