"""Ctrl-C and SIGTERM during a long query on a generated log, through the CLI in a subprocess:
one line (``lsnrmine: interrupted`` / ``terminated``), exit 130 / 143, no traceback, and the
engine's spill directory (and every other temporary directory) gone, as after a normal exit.

The child gets SIGINT back to its default (a runner started in the background passes SIG_IGN on,
and Python then installs no handler), except in the test of a child that ignores it on purpose."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

import pytest

from conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
import generate_log  # noqa: E402  (benchmarks/ is not a package)

#: a hash join of every line with every line of the same action (about 2.4e10 pairs on the 200,000
#: generated lines: 25-45 s here; a join on service_name has too few pairs and can end in 4 s),
#: which DuckDB interrupts between two tasks
HASH_JOIN = "select count(*) from listener_log a, listener_log b where a.action = b.action"
#: a join on an inequality: DuckDB's operator for it does not look at interrupts for a long while
INEQUALITY_JOIN = "select count(*) from listener_log a, listener_log b where a.log_date < b.log_date"


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signals") / "listener.log"
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        generate_log.write_log(200_000, out)
    return path


def _start(log: Path | str, query: str, tmp: Path, *, sigint: object = signal.SIG_DFL,
           stdin: Optional[int] = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    env["TMPDIR"] = str(tmp)  # the spill directory and the transcoded copies go here
    return subprocess.Popen(
        [sys.executable, "-m", "lsnrmine", "sql", "--log", str(log), "--quiet", query],
        cwd=tmp, env=env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint))


def _wait_for_spill_dir(proc: subprocess.Popen, tmp: Path) -> list[str]:
    """Wait until the engine made its spill directory and the load is over (the reject line is
    printed after the load), then a little more: the query is running."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        spill = [p.name for p in tmp.glob("lsnrmine-spill-*")]
        if spill:
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    else:
        raise AssertionError("no spill directory appeared")
    time.sleep(4)  # the load of 200,000 lines takes a second or two; then the join runs
    assert proc.poll() is None, "the query ended before the signal: make the log larger"
    return spill


def _left_over(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("lsnrmine"))


@pytest.mark.slow  # each case loads a 200,000-line log and runs a join for seconds
@pytest.mark.parametrize(("signum", "word", "status", "query"), [
    (signal.SIGINT, "interrupted", 130, HASH_JOIN),
    (signal.SIGTERM, "terminated", 143, HASH_JOIN),
    (signal.SIGINT, "interrupted", 130, INEQUALITY_JOIN),
    (signal.SIGTERM, "terminated", 143, INEQUALITY_JOIN),
], ids=["int-hash", "term-hash", "int-inequality", "term-inequality"])
def test_signal_during_a_query(big_log: Path, tmp_path: Path, signum: int, word: str, status: int, query: str) -> None:
    proc = _start(big_log, query, tmp_path)
    try:
        assert _wait_for_spill_dir(proc, tmp_path)
        sent = time.monotonic()
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == status, err
    assert err.splitlines()[-1] == f"lsnrmine: {word}"
    assert "Traceback" not in err and out == ""
    assert took < 10, f"{took:.1f} s after the signal"
    assert _left_over(tmp_path) == []


@pytest.mark.slow  # loads a 200,000-line log
def test_sigterm_when_sigint_is_ignored(big_log: Path, tmp_path: Path) -> None:
    """A background job (SIGINT ignored, and left so): SIGTERM still ends it with 143, cleanly."""
    proc = _start(big_log, HASH_JOIN, tmp_path, sigint=signal.SIG_IGN)
    try:
        _wait_for_spill_dir(proc, tmp_path)
        proc.send_signal(signal.SIGINT)  # ignored, as the shell asked
        time.sleep(1)
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, err
    assert err.splitlines()[-1] == "lsnrmine: terminated" and "Traceback" not in err
    assert _left_over(tmp_path) == []


def test_sigint_while_reading_the_input(tmp_path: Path) -> None:
    """Ctrl-C while the input is still being read (a pipe that never ends): the same line and
    status, and the transcoded copy's directory removed."""
    read_fd, write_fd = os.pipe()
    proc = _start("-", "select count(*) from listener_log", tmp_path, stdin=read_fd)
    os.close(read_fd)
    try:
        with os.fdopen(write_fd, "w") as feed:
            feed.write("16-OCT-2005 05:35:41 * ping * 0\n" * 1000)
            feed.flush()
            deadline = time.monotonic() + 60
            while not list(tmp_path.glob("lsnrmine-*/*.csv")) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert list(tmp_path.glob("lsnrmine-*/*.csv")), "the input is not being transcoded"
            time.sleep(0.5)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert err == "lsnrmine: interrupted\n"
    assert _left_over(tmp_path) == []


def test_ctrl_c_while_the_cli_is_still_importing_is_one_line() -> None:
    """The console script's entry point catches a Ctrl-C that arrives before cli.main runs: a real
    SIGINT is raised at the moment ``lsnrmine.cli`` starts importing."""
    import configparser

    config = configparser.ConfigParser()
    config.read(Path(__file__).resolve().parents[1] / "setup.cfg")
    assert config["options.entry_points"]["console_scripts"].strip() == "lsnrmine = lsnrmine.entry:main"
    program = (
        "import signal, sys\n"
        "class AtCliImport:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'lsnrmine.cli':\n"
        "            signal.raise_signal(signal.SIGINT)\n"
        "        return None\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "sys.meta_path.insert(0, AtCliImport())\n"
        "from lsnrmine.entry import main\n"
        "sys.exit(main())\n"
    )
    result = subprocess.run([sys.executable, "-c", program, "--version"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 130, result.stderr
    assert result.stderr == "lsnrmine: interrupted\n"
