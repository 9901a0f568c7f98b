"""The reader's language: parsing ``?lang=``, negotiating ``Accept-Language``, translating by
language without shared state, and CLDR dates, numbers and countries."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from stations import i18n
from stations.data import vocab
from stations.i18n import build, catalog

# --- the table and ?lang= -------------------------------------------------------------------


def test_table_has_the_three_languages_with_labels_in_their_own_script():
    assert i18n.CODES == ("en", "zh-Hans", "zh-Hant")
    assert [lang.label for lang in i18n.LANGUAGES] == ["English", "简体中文", "繁體中文"]
    assert [lang.html_lang for lang in i18n.LANGUAGES] == ["en", "zh-Hans", "zh-Hant"]
    assert i18n.DEFAULT == "en"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-US", "en"),
        ("en_gb", "en"),
        ("zh-Hans", "zh-Hans"),
        ("zh-hans", "zh-Hans"),
        ("ZH_HANS", "zh-Hans"),
        ("zh_Hans_CN", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-cn", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-Hant", "zh-Hant"),
        ("zh_Hant", "zh-Hant"),
        ("zh-TW", "zh-Hant"),
        ("zh-tw", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh-Hant-HK", "zh-Hant"),
        ("zh-Hans-HK", "zh-Hans"),  # the script wins over the region
        (" zh-TW ", "zh-Hant"),
    ],
)
def test_lang_values_are_read_tolerantly(value, code):
    assert i18n.parse_lang(value) == code


@pytest.mark.parametrize("value", [None, "", "  ", "fr", "de-DE", "zh-Latn", "klingon!", "x" * 40, "*", "1"])
def test_lang_values_naming_none_of_the_three_give_none(value):
    assert i18n.parse_lang(value) is None


def test_unknown_code_is_an_error_naming_the_allowed_codes():
    with pytest.raises(ValueError, match="'fr'.*en, zh-Hans, zh-Hant"):
        i18n.gettext("Closed", "fr")


# --- Accept-Language ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("zh-TW", "zh-Hant"),
        ("zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7", "zh-Hant"),
        ("zh-HK,zh;q=0.9", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("fr", "en"),
        ("fr-FR,fr;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,zh-TW;q=0.5", "zh-Hant"),  # the first of the three in preference order
        ("en;q=0.5,zh-TW;q=0.8", "zh-Hant"),  # q-values, not position, decide
        ("zh-TW;q=0.8,zh-CN;q=0.8", "zh-Hant"),  # equal q: header order
        ("zh-TW;q=0,en", "en"),  # q=0 refuses
        ("zh-TW;q=abc,zh-CN;q=0.1", "zh-Hans"),  # malformed q: left out
        ("*", "en"),
        ("", "en"),
        (None, "en"),
        ("de, ,;q=1,zh_TW", "zh-Hant"),
    ],
)
def test_accept_language_chooses_the_readers_preferred_language_else_english(header, code):
    assert i18n.negotiate(header) == code


def test_a_huge_accept_language_header_is_read_only_in_part():
    header = ",".join(["fr"] * 10_000 + ["zh-TW"])
    assert i18n.negotiate(header) == "en"


# --- translations ---------------------------------------------------------------------------


def test_gettext_translates_by_the_language_given():
    assert i18n.gettext("Under investigation", "en") == "Under investigation"
    assert i18n.gettext("Under investigation", "zh-Hans") == "调查中"
    assert i18n.gettext("Under investigation", "zh-Hant") == "調查中"
    assert i18n.pgettext("bureau", "Unknown", "zh-Hans") == "不明"
    assert i18n.gettext("Unknown", "zh-Hans") == "未知"  # no context: the status


def test_ngettext_gives_english_two_forms_and_chinese_one():
    assert i18n.ngettext("{n} station", "{n} stations", 1, "en") == "{n} station"
    assert i18n.ngettext("{n} station", "{n} stations", 2, "en") == "{n} stations"
    # A string not in the catalog falls back to the English form for n.
    assert i18n.ngettext("{n} station", "{n} stations", 2, "zh-Hans") == "{n} stations"


def test_n_marks_without_translating():
    assert i18n.N_("Closed") == "Closed"


def test_translations_of_many_sessions_in_threads_do_not_mix():
    codes = list(i18n.CODES) * 200
    expected = {"en": "Arrests", "zh-Hans": "逮捕", "zh-Hant": "逮捕"}
    expected_status = {"en": "Closed", "zh-Hans": "已关闭", "zh-Hant": "已關閉"}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda c: (c, i18n.gettext("Closed", c), i18n.gettext("Arrests", c)), codes))
    for code, status, action in results:
        assert (status, action) == (expected_status[code], expected[code])


def _copy_locales(tmp_path: Path) -> Path:
    target = tmp_path / "locales"
    shutil.copytree(catalog.LOCALES_DIR, target, ignore=shutil.ignore_patterns("*.mo"))
    return target


def test_a_catalog_without_mo_is_compiled_in_memory_from_its_po(tmp_path):
    locales = _copy_locales(tmp_path)
    assert not (locales / "zh_Hans/LC_MESSAGES/messages.mo").exists()
    assert catalog.load("zh_Hans", locales).gettext("Arrests") == "逮捕"


def test_a_mo_older_than_its_po_is_not_used(tmp_path):
    locales = _copy_locales(tmp_path)
    build.compile_all(locales)
    po = catalog.po_path("zh_Hans", locales)
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "逮捕"', 'msgstr "拘捕"'), encoding="utf-8")
    mo = po.with_suffix(".mo")
    old = po.stat().st_mtime - 60
    os.utime(mo, (old, old))
    assert catalog.load("zh_Hans", locales).gettext("Arrests") == "拘捕"


def test_compile_writes_mo_files_that_gettext_reads(tmp_path):
    locales = _copy_locales(tmp_path)
    written = build.compile_all(locales)
    assert sorted(p.parent.parent.name for p in written) == ["zh_Hans", "zh_Hant"]
    assert catalog.load("zh_Hant", locales).gettext("Closed") == "已關閉"
    assert build.compile_all(locales) == []  # nothing changed: nothing rewritten


def test_a_fuzzy_entry_is_not_shown(tmp_path):
    locales = _copy_locales(tmp_path)
    po = catalog.po_path("zh_Hans", locales)
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgid "Arrests"', '#, fuzzy\nmsgid "Arrests"'),
        encoding="utf-8",
    )
    assert catalog.load("zh_Hans", locales).gettext("Arrests") == "Arrests"


def test_a_missing_catalog_is_an_error_naming_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="zh_Hans/LC_MESSAGES/messages.po"):
        catalog.load("zh_Hans", tmp_path)


# --- labels ---------------------------------------------------------------------------------


def test_english_labels_are_the_tables_unchanged():
    assert vocab.status_labels("en") == vocab.STATUS_LABELS
    assert vocab.action_labels("en") == vocab.ACTION_LABELS
    assert vocab.wave_labels("en") == vocab.WAVE_LABELS
    assert vocab.bureau_labels("en") == {b: b for b in vocab.BUREAUS}
    assert vocab.STATUS_LABELS["closed"] == "Closed"


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_every_label_has_a_chinese_text(lang):
    for english, chinese in (
        (vocab.STATUS_LABELS, vocab.status_labels(lang)),
        (vocab.ACTION_LABELS, vocab.action_labels(lang)),
        (vocab.WAVE_LABELS, vocab.wave_labels(lang)),
    ):
        assert chinese.keys() == english.keys()
        for key, text in chinese.items():
            assert text != english[key], f"{lang}: {key!r} still in English"
    bureaus = vocab.bureau_labels(lang)
    assert list(bureaus) == list(vocab.BUREAUS)
    assert all(label not in vocab.BUREAUS for label in bureaus.values())


def test_bureau_labels_are_the_official_names_traditional_derived():
    assert vocab.bureau_labels("zh-Hans")["Qingtian"] == "青田县公安局"
    assert vocab.bureau_labels("zh-Hant")["Qingtian"] == "青田縣公安局"
    assert vocab.bureau_labels("zh-Hant")["Wenzhou"] == "溫州市公安局"


def test_labels_returned_to_one_caller_cannot_change_anothers():
    mine = vocab.status_labels("zh-Hans")
    mine["closed"] = "changed"
    assert vocab.status_labels("zh-Hans")["closed"] == "已关闭"


# --- dates, numbers, countries --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (dt.date(2022, 12, 5), "en", "5 December 2022"),
        (dt.date(2022, 12, 5), "zh-Hans", "2022年12月5日"),
        (dt.date(2022, 12, 5), "zh-Hant", "2022年12月5日"),
        (dt.datetime(2022, 12, 5, 23, 59), "en", "5 December 2022"),
        ("2022-12-05", "en", "5 December 2022"),
        ("2022-12-05", "zh-Hans", "2022年12月5日"),
        ("2022-12", "en", "December 2022"),
        ("2022-12", "zh-Hans", "2022年12月"),
        ("2022-12", "zh-Hant", "2022年12月"),
        ("2022", "en", "2022"),
        ("2022", "zh-Hans", "2022年"),
        ("2022", "zh-Hant", "2022年"),
        (" 2023-03-01 ", "en", "1 March 2023"),
    ],
)
def test_dates_follow_the_language_and_partial_dates_stay_partial(value, lang, text):
    assert i18n.format_date(value, lang) == text


@pytest.mark.parametrize("value", ["2022-13", "2022-00", "2022-02-30", "Dec 2022", "22", ""])
def test_a_malformed_date_is_an_error_that_quotes_it(value):
    with pytest.raises(ValueError, match="not a date"):
        i18n.format_date(value, "en")


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_numbers_are_grouped_as_the_language_groups_them(lang):
    assert i18n.format_number(102, lang) == "102"
    assert i18n.format_number(12345, lang) == "12,345"


def test_country_names_come_from_cldr():
    assert i18n.country_name("IT", "en") == "Italy"
    assert i18n.country_name("it", "zh-Hans") == "意大利"
    assert i18n.country_name("IT", "zh-Hant") == "義大利"
    with pytest.raises(KeyError):
        i18n.country_name("XX", "zh-Hans")
