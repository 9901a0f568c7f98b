"""Production settings that keep visitors safe stay on: XSRF, hidden error details, no uploads,
no secrets in the repository.

The config file is read three ways: as TOML, as Streamlit itself resolves it (a subprocess in
the repository, so no test-process state leaks in), and through a running server's behaviour
(the XSRF cookie is issued; an upload without the token is refused).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from stations.data import synthetic
from tests.support.browser import streamlit_server
from tests.support.reliability import PAGES, ROOT, new_app, record

CONFIG = ROOT / ".streamlit" / "config.toml"
UPLOAD_WIDGETS = ("file_uploader", "camera_input", "audio_input", "chat_input")


def effective_options(*names: str) -> dict[str, object]:
    """The options as Streamlit resolves them when started from the repository root."""
    code = (
        "import json, sys\n"
        "from streamlit import config\n"
        "config.get_config_options(force_reparse=True)\n"
        "print(json.dumps({n: config.get_option(n) for n in sys.argv[1:]}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *names], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_config_file_does_not_disable_xsrf_protection() -> None:
    record("settings")
    settings = tomllib.loads(CONFIG.read_text(encoding="utf-8")) if CONFIG.exists() else {}
    assert settings.get("server", {}).get("enableXsrfProtection", True) is True
    assert effective_options("server.enableXsrfProtection")["server.enableXsrfProtection"] is True


def test_error_details_are_hidden_from_visitors() -> None:
    """A traceback tells a visitor about paths, code and data; the app shows its own messages."""
    record("settings")
    value = effective_options("client.showErrorDetails")["client.showErrorDetails"]
    assert value in ("none", False), f'client.showErrorDetails is {value!r}; set it to "none"'


def test_uploads_are_capped_even_though_no_page_accepts_them() -> None:
    record("settings")
    value = effective_options("server.maxUploadSize")["server.maxUploadSize"]
    assert int(value) <= 1, f"server.maxUploadSize is {value} MB"


@pytest.mark.timeout(90)
def test_running_server_issues_xsrf_cookie_and_refuses_upload_without_token(tmp_path: Path) -> None:
    record("settings")
    directory = synthetic.write_dataset(tmp_path / "data", n=6)
    env = {"STATIONS_DATA_DIR": str(directory), "STATION_MAP_TILES": "none"}
    with streamlit_server(ROOT / "app.py", env=env) as base:
        with urllib.request.urlopen(
            f"{base}_stcore/health", timeout=10
        ) as response:  # the XSRF cookie's issuer
            cookies = response.headers.get_all("Set-Cookie") or []
        assert any(c.startswith("_streamlit_xsrf=") for c in cookies), cookies
        request = urllib.request.Request(
            f"{base}_stcore/upload_file/some-session/some-file",
            data=b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx\r\n--x--\r\n',
            method="PUT",
            headers={"Content-Type": "multipart/form-data; boundary=x"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403, refused.value.code
        assert b"XSRF" in refused.value.read()


@pytest.mark.parametrize("page", ["map", "responses", "data"])
def test_no_page_offers_an_upload_widget(data_dir: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    record("settings")
    monkeypatch.setenv("STATIONS_DATA_DIR", str(data_dir))
    at = new_app(PAGES[page]).run()
    assert not at.exception
    for kind in UPLOAD_WIDGETS:
        assert not at.get(kind), f"{page} page has a {kind}"


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=30)
    return [ROOT / name for name in out.stdout.decode().split("\0") if name]


def test_no_source_file_calls_an_upload_widget() -> None:
    record("settings")
    pattern = re.compile(r"\b(?:st|streamlit)\.(?:" + "|".join(UPLOAD_WIDGETS) + r")\s*\(")
    offenders = [
        str(p.relative_to(ROOT))
        for p in tracked_files()
        if p.suffix == ".py" and "tests" not in p.relative_to(ROOT).parts and p.exists()
        if pattern.search(p.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders


SECRET_PATTERNS = {
    "AWS access key": r"AKIA[0-9A-Z]{16}",
    "private key": r"-----BEGIN (?:RSA |EC |OPENSSH |DSA |PGP )?PRIVATE KEY",
    "GitHub token": r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|github_pat_[A-Za-z0-9_]{40,}",
    "Slack token": r"\bxox[abprs]-[A-Za-z0-9-]{10,}",
    "OpenAI-style key": r"\bsk-[A-Za-z0-9_-]{32,}",
    "Google API key": r"\bAIza[0-9A-Za-z_-]{35}\b",
    "assigned secret": r"(?i)\b(?:api[_-]?key|secret|password|passwd|token)\b\s*[:=]\s*['\"][^'\"\s]{16,}['\"]",
}


def test_no_secrets_file_or_key_is_committed() -> None:
    record("settings")
    files = tracked_files()
    names = [str(p.relative_to(ROOT)) for p in files]
    assert not [n for n in names if n.endswith("secrets.toml") or Path(n).name in (".env", "id_rsa")]
    hits = []
    for path in files:
        if (
            not path.is_file()
            or path.stat().st_size > 5_000_000
            or path.suffix in (".png", ".woff", ".woff2", ".ttf")
        ):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for label, pattern in SECRET_PATTERNS.items():
            for match in re.finditer(pattern, text):
                hits.append(f"{path.relative_to(ROOT)}: {label}: {match.group(0)[:12]}...")
    assert not hits, hits


def test_gitignore_keeps_streamlit_secrets_out() -> None:
    """A developer's local secrets.toml must not be one ``git add`` away from the public repo."""
    record("settings")
    out = subprocess.run(
        ["git", "check-ignore", "-q", "--no-index", ".streamlit/secrets.toml"],
        cwd=ROOT,
        timeout=30,
        check=False,
    )
    assert out.returncode == 0, "add .streamlit/secrets.toml to .gitignore"
