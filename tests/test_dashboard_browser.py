"""The HTML dashboard in a real browser: headless Chromium opens the generated file from a
file:// URL; the chart and tables are in the DOM, the fixture's injected
`<script>document.title='pwned'</script>` (a PROGRAM in tests/fixtures/reports.log) did not run,
and a screenshot is saved under the test's tmp dir. Skipped when Chromium is not installed
(Debian packages chromium, chromium-driver; CI installs them)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES
from lsnrmine.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                "(apt-get install -y chromium chromium-driver)")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.slow  # a headless Chromium
def test_dashboard_in_headless_chromium(tmp_path: Path, clean_env, capsys: pytest.CaptureFixture) -> None:
    page = tmp_path / "dashboard.html"
    assert main(["report", "--html", str(page), "--log", str(FIXTURES / "reports.log"), "--quiet"]) == 0
    capsys.readouterr()
    url = page.resolve().as_uri()

    dom = _chromium(tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    # the page rendered: the chart, the tables, the summary
    assert "<svg" in html and "<rect" in html and 'class="failed"' in html
    assert html.count("<table>") >= 7 and 'id="summary"' in html
    assert "JDBC Thin Client" in html and "TNS:listener could not hand off client connection" in html
    # the injected script did not execute: the title is ours and the script is text
    assert "<title>lsnrmine listener log dashboard</title>" in html and "pwned</title>" not in html
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in html
    assert "<script" not in html.lower()

    shot = tmp_path / "shot.png"
    result = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
