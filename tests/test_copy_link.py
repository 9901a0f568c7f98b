"""The share box's markup (stations/web/copy_link.py): the link is text, labelled, and copyable.
The copy itself, in a real browser, is proved in tests/e2e/test_view_state_browser.py."""

from __future__ import annotations

import html
import re

import pytest

from stations.web import copy_link, static_files


def test_link_is_escaped_text_inside_a_labelled_read_only_field() -> None:
    link = 'https://x.example/?country=IT&q="<script>alert(1)</script>'
    body = copy_link.box_html("Link to this view", link, key="share")
    field = re.search(r'<textarea id="([^"]+)"[^>]*readonly[^>]*>(.*?)</textarea>', body, re.S)
    assert field is not None
    assert html.unescape(field.group(2)) == link  # the reader sees the whole link, unchanged
    assert "<script>alert" not in field.group(2)  # as text, never markup
    assert f'<label for="{field.group(1)}">Link to this view</label>' in body
    button = re.search(r'<button type="button" data-copy-for="([^"]+)"[^>]*aria-label="([^"]+)"', body)
    assert button is not None and button.group(1) == field.group(1)
    assert button.group(2) == "Copy link: Link to this view"
    assert 'role="status"' in body  # the result of a copy is announced


def test_the_copy_script_is_the_static_file() -> None:
    body = copy_link.box_html("Link", "https://x.example/", key="k")
    script = static_files.read(copy_link.COPY_SCRIPT)
    assert f"<script>{script}</script>" in body
    assert "</script" not in script  # inlining must not end the script early


def test_a_long_link_starts_tall_enough_to_show_whole() -> None:
    link = "https://x.example/?" + "country=" + ",".join(["IT"] * 60)
    body = copy_link.box_html("Link", link, key="k")
    rows = int(re.search(r'rows="(\d+)"', body).group(1))
    assert rows * copy_link.CHARS_PER_LINE >= len(link)


@pytest.mark.parametrize("key", ["", "a b", 'x"y', "<k>"])
def test_a_key_that_is_not_a_plain_id_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="copy box key"):
        copy_link.box_html("Link", "https://x.example/", key=key)
