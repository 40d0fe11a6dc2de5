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
    # it leads with the alerts: the per-rule summary, then the list (issue 20)
    assert 'id="alert-rules"' in html and html.index('id="alert-rules"') < html.index('id="per-hour"')
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


@pytest.mark.slow  # a headless Chromium
def test_hostile_page_in_headless_chromium(tmp_path: Path, clean_env, capsys: pytest.CaptureFixture) -> None:
    """The hostile lines of test_dashboard_priorities: the browser's DOM has no script element, no
    control character, and the long PROGRAM is a closed <details> whose summary is the clipped text."""
    from test_dashboard_priorities import HOSTILE_LINES, parse

    log = tmp_path / "listener.log"
    log.write_bytes(b"\n".join(HOSTILE_LINES) + b"\n")
    page = tmp_path / "hostile.html"
    assert main(["report", "--html", str(page), "--log", str(log), "--quiet"]) == 0
    capsys.readouterr()
    dom = _chromium(tmp_path, "--dump-dom", page.resolve().as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    root, builder = parse(dom.stdout)
    assert "script" not in builder.start_tags and "img" not in builder.start_tags
    assert not any(ch in dom.stdout for ch in "\x00\x1b\u202e\u2028\x9b")
    details = root.all("details")
    assert details and all("open" not in d.attrs for d in details)
    assert "<title>lsnrmine listener log dashboard</title>" in dom.stdout
