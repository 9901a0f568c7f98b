"""The catalogs under version control: complete, in step with the code, and zh_Hant derived from
zh_Hans, never edited by hand."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from stations.i18n import build, catalog, hant

CHINESE = ("zh_Hans", "zh_Hant")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^{}]*)?\}|%\([A-Za-z_]+\)[sdf]")


def _read(name: str) -> Catalog:
    return hant.read_catalog(catalog.po_path(name))


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _gaps(extracted: Catalog, committed: Catalog) -> tuple[set, set]:
    """Strings marked in the code but not in the committed file, and the reverse."""
    code, file = build.message_keys(extracted), build.message_keys(committed)
    return code - file, file - code


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    return build.extract_catalog()


@pytest.mark.parametrize("name", CHINESE)
def test_every_chinese_catalog_is_complete_and_has_no_fuzzy_entry(name):
    po = _read(name)
    assert not po.fuzzy, f"{name}: the header is marked fuzzy (pybabel would not compile it)"
    entries = [m for m in po if m.id]
    untranslated = [m.id for m in entries if not all(_strings(m))]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert entries, f"{name}: empty catalog"
    assert untranslated == [], f"{name}: {len(untranslated)} untranslated: {untranslated}"
    assert fuzzy == [], f"{name}: {len(fuzzy)} fuzzy (check and unmark them): {fuzzy}"
    assert po.obsolete == {}, f"{name}: obsolete entries left; run `make i18n-update`"


@pytest.mark.parametrize("name", CHINESE)
def test_translations_keep_the_placeholders_and_markup_of_the_english(name):
    for message in _read(name):
        if not message.id:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = sorted(_PLACEHOLDER.findall(english[-1]))
        for string in _strings(message):
            assert sorted(_PLACEHOLDER.findall(string)) == wanted, f"{name}: {message.id!r} -> {string!r}"
            assert string.count("**") == english[-1].count("**"), f"{name}: bold markup of {message.id!r}"


def test_every_string_marked_in_the_code_is_in_the_template_and_the_catalogs(extracted):
    for committed, name in (
        (hant.read_catalog(build.TEMPLATE), "messages.pot"),
        (_read("zh_Hans"), "zh_Hans"),
        (_read("zh_Hant"), "zh_Hant"),
    ):
        missing, stale = _gaps(extracted, committed)
        assert missing == set(), (
            f"{name}: marked in the code, missing here (run `make i18n-update`): {missing}"
        )
        assert stale == set(), f"{name}: no longer in the code (run `make i18n-update`): {stale}"


def test_a_string_marked_without_a_catalog_entry_is_found_in_app_code_only(tmp_path):
    """The check above fails for a new string: extraction of a tree with one more marked string in
    the app gives exactly that string as missing; one in the tests (developer text) is not read."""
    root = tmp_path / "repo"
    for tree in ("stations", "pages"):
        shutil.copytree(build.ROOT / tree, root / tree, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(build.ROOT / "app.py", root / "app.py")
    shutil.copy(build.MAPPING, root / build.MAPPING.name)
    marked = (
        "from stations.i18n import gettext, pgettext\n\n\n"
        "def note(lang):\n"
        '    return gettext("A sentence nobody translated", lang) + pgettext("map", "Legend", lang)\n'
    )
    (root / "stations" / "view" / "added.py").write_text(marked, encoding="utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_added.py").write_text(marked.replace("nobody", "no reader"), encoding="utf-8")
    missing, stale = _gaps(build.extract_catalog(root), _read("zh_Hans"))
    assert missing == {("A sentence nobody translated", None), ("Legend", "map")}
    assert stale == set()


def test_the_committed_traditional_catalog_is_what_the_derivation_gives():
    committed = catalog.po_path("zh_Hant").read_text(encoding="utf-8")
    assert committed == hant.derived_text(), (
        "zh_Hant/LC_MESSAGES/messages.po is derived, not edited: change zh_Hans or "
        f"{hant.OVERRIDES_FILE}, then run `make i18n-update`"
    )


def test_derive_check_command_passes_on_the_committed_files():
    from stations.i18n.__main__ import main

    assert main(["derive-hant", "--check"]) == 0


def test_the_committed_files_are_what_a_new_extraction_and_update_leave(tmp_path):
    """`make i18n-update` on an up-to-date tree changes no file (no dated diffs to commit)."""
    locales = tmp_path / "locales"
    shutil.copytree(catalog.LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    before = {p: p.read_bytes() for p in locales.rglob("*.po*")}
    assert build.extract(locales) is False
    assert build.update(locales) == []
    assert {p: p.read_bytes() for p in locales.rglob("*.po*")} == before


def test_update_adds_a_new_string_untranslated_and_marks_a_changed_one_fuzzy(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(catalog.LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    template = hant.read_catalog(locales / "messages.pot")
    template.add("A new sentence")
    template.delete("Arrests")
    template.add("Arrests made")
    with (locales / "messages.pot").open("wb") as pot:
        write_po(pot, template)
    assert build.update(locales) == [catalog.po_path(n, locales) for n in CHINESE]
    hans, hant_ = (hant.read_catalog(catalog.po_path(n, locales)) for n in CHINESE)
    assert hans["A new sentence"].string == "" and hant_["A new sentence"].string == ""
    assert hans["Arrests made"].fuzzy and hans["Arrests made"].string == "逮捕"
    assert hans.get("Arrests") is None


def test_the_overrides_file_only_holds_differences_that_say_why():
    overrides = hant.read_catalog(catalog.LOCALES_DIR / hant.OVERRIDES_FILE)
    hans = {m.id: m for m in _read("zh_Hans") if m.id}
    for override in (m for m in overrides if m.id):
        assert override.user_comments, override.id
        original = _strings(hans[override.id])  # a plural entry has one string per form
        assert _strings(override) != tuple(hant.traditional(string) for string in original)


def test_translations_are_marked_as_the_projects_own():
    header = catalog.po_path("zh_Hans").read_text(encoding="utf-8").split('msgid ""')[0]
    assert "The project's own translations" in header
    assert "GENERATED, do not edit" in catalog.po_path("zh_Hant").read_text(encoding="utf-8")


def test_make_compiles_the_catalogs_before_run_and_test():
    makefile = (build.ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("run", "test"):
        line = re.search(rf"^{target}:(.*)$", makefile, re.M)
        assert line and "i18n-compile" in line.group(1).split(), f"make {target} must depend on i18n-compile"
    assert "python -m stations.i18n compile" in (build.ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "*.mo" in (build.ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_no_compiled_catalog_is_under_version_control():
    tracked = subprocess.run(
        ["git", "ls-files", "--", "*.mo"], cwd=build.ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert tracked == ""


def _catalog(entries: dict, locale: str = "zh_Hans", comments: dict | None = None) -> Catalog:
    result = Catalog(locale=locale, fuzzy=False)
    for key, string in entries.items():
        msgid, context = key if isinstance(key, tuple) else (key, None)
        result.add(msgid, string, context=context, user_comments=(comments or {}).get(key, []))
    return result


def test_derivation_converts_with_taiwan_usage_and_applies_overrides():
    hans = _catalog(
        {"Information": "信息", "Network": "网络", ("Other", "bureau"): "其他公安局", "Report": "报道"}
    )
    overrides = _catalog({"Report": "報導"}, "zh_Hant", {"Report": ["Taiwan writes 報導"]})
    derived = {(m.id, m.context): m.string for m in hant.derive(hans, overrides) if m.id}
    assert derived == {
        ("Information", None): "資訊",
        ("Network", None): "網路",
        ("Other", "bureau"): "其他公安局",
        ("Report", None): "報導",
    }


def test_derivation_keeps_untranslated_and_fuzzy_entries_as_they_are():
    hans = _catalog({"New": "", "Old": "网络"})
    hans["Old"].flags.add("fuzzy")
    derived = hant.derive(hans, _catalog({}, "zh_Hant"))
    assert derived["New"].string == ""
    assert derived["Old"].fuzzy and derived["Old"].string == "網路"


@pytest.mark.parametrize(
    ("overrides", "comments", "error"),
    [
        ({"Gone": "不在"}, {"Gone": ["why"]}, "'Gone': no such entry in the zh_Hans catalog"),
        ({"Network": "網路"}, {"Network": ["why"]}, "'Network': equals the OpenCC conversion"),
        ({"Network": "網絡"}, {}, "'Network': say in a comment why"),
        ({"Network": ""}, {"Network": ["why"]}, "'Network': empty override"),
    ],
)
def test_a_useless_or_unexplained_override_is_an_error_naming_it(overrides, comments, error):
    with pytest.raises(ValueError, match=re.escape(error)) as raised:
        hant.derive(_catalog({"Network": "网络"}), _catalog(overrides, "zh_Hant", comments), "over.po")
    assert "over.po:" in str(raised.value)
