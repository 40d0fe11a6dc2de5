"""The status line of long offline work (issue 21): on stderr when it is a terminal (a real pty
here), rewritten in place with \\r, naming the work, MB read, the events and the elapsed time, and
erased at the end; nothing of it when stderr is not a terminal or with --quiet. The CLI runs in a
child process on a generated log; LSNRMINE_PROGRESS_DELAY=0 shows the line from the start (the
default waits 2 s), so the test does not depend on the machine's speed."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import generate_log  # noqa: E402

QUERY = "select event_kind, count(*) from lsnr_events group by event_kind order by 1"


@pytest.fixture(scope="module")
def log(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "listener.log"
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        generate_log.write_log(3000, out, 7)
    return path


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    env.update(LSNRMINE_PROGRESS_DELAY="0", LSNRMINE_CACHE_DIR=str(tmp / "cache"))
    return env


#: seconds a CLI run of these tests may take in all (every read below waits at most the time left)
DEADLINE = 300


def run_cli(args: list[str], tmp: Path, *, tty: bool) -> tuple[int, bytes, bytes]:
    """(exit status, stdout, stderr) of ``python -m lsnrmine ARGS``; stderr a pty when ``tty``.
    stdout and the pty are drained together: a report's rows fill a pipe's 64 KiB long before the
    child closes its stderr, and a child blocked on a full stdout never would."""
    cmd = [sys.executable, "-m", "lsnrmine", *args]
    if not tty:
        done = subprocess.run(cmd, capture_output=True, env=_env(tmp), cwd=tmp, timeout=DEADLINE)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL,
                            env=_env(tmp), cwd=tmp)
    os.close(follower)
    out, err = bytearray(), bytearray()
    sinks = {proc.stdout.fileno(): out, leader: err}
    end = time.monotonic() + DEADLINE
    try:
        while sinks:
            left = end - time.monotonic()
            ready, _, _ = select.select(list(sinks), [], [], max(0.0, left))
            if not ready:
                proc.kill()
                raise AssertionError(f"the CLI did not finish within {DEADLINE} s: {bytes(err[-300:])!r}")
            for fd in ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # EIO: the child closed the pty
                    chunk = b""
                if chunk:
                    sinks[fd] += chunk
                else:
                    del sinks[fd]
        proc.wait(timeout=max(1.0, end - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        os.close(leader)
    return proc.returncode, bytes(out), bytes(err)


def test_progress_on_a_terminal(log: Path, tmp_path: Path) -> None:
    code, out, err = run_cli(["sql", "--log", str(log), "--format", "csv", QUERY], tmp_path, tty=True)
    assert code == 0, err
    assert out.startswith(b"EVENT_KIND,") and b"\nestablish," in out  # results on stdout only
    lines = [part for part in err.split(b"\r") if part.startswith(b"lsnrmine: ")]
    assert lines and all(line.rstrip().endswith(b" s") for line in lines if b"rejected" not in line), err
    assert any(b"loading the log" in line and b"MB read (inputs 0.5 MB)" in line for line in lines), err
    assert any(b"building the events" in line for line in lines), err
    assert any(b" events | " in line for line in lines), err  # the count, once built
    assert not any(b"establish," in line for line in lines)
    # erased at the end: the last status line is overwritten by blanks and the cursor goes back
    last = err.rfind(b"\rlsnrmine: ")
    tail = err[last + 1:]
    width = len(tail.split(b"\r")[0].rstrip())  # the text drawn; padding that blanked a longer line aside
    assert b"\r" + b" " * width + b"\r" in tail, err[-300:]


def test_no_progress_without_a_terminal(log: Path, tmp_path: Path) -> None:
    code, out, err = run_cli(["sql", "--log", str(log), "--format", "csv", QUERY], tmp_path, tty=False)
    assert code == 0, err
    assert b"establish," in out
    assert b"\r" not in err and b"MB read" not in err and b"building the events" not in err


def test_no_progress_with_quiet(log: Path, tmp_path: Path) -> None:
    code, out, err = run_cli(["alerts", "--log", str(log), "--quiet", "--format", "csv"], tmp_path, tty=True)
    assert code == 0, err
    assert out.startswith(b"ALERT_ID,RULE,")
    assert b"\r" not in err.replace(b"\r\n", b"\n") and b"MB read" not in err, err  # a pty writes \n as \r\n


def test_alerts_progress_names_the_rules(log: Path, tmp_path: Path) -> None:
    code, out, err = run_cli(["alerts", "--log", str(log), "--format", "csv"], tmp_path, tty=True)
    assert code == 0, err
    assert out.startswith(b"ALERT_ID,RULE,")
    lines = [part for part in err.split(b"\r") if part.startswith(b"lsnrmine: ")]
    assert any(line.startswith(b"lsnrmine: alert rule PASSWORD_FAILURES | ") for line in lines), err
    assert any(line.startswith(b"lsnrmine: merging the alerts | ") for line in lines), err


def _status_lines(err: bytes) -> list[bytes]:
    return [part for part in err.split(b"\r") if part.startswith(b"lsnrmine: ") and b" | " in part]


def test_report_progress_then_rows(log: Path, tmp_path: Path) -> None:
    """`report NAME --log`: the status line while the log loads, erased before the first row."""
    code, out, err = run_cli(["report", "top_client_ips", "--log", str(log), "--format", "csv"], tmp_path, tty=True)
    assert code == 0, err
    assert out.startswith(b"CLIENT_IP,") and out.count(b"\n") > 1, out[:200]
    lines = _status_lines(err)
    assert any(b"MB read (inputs" in line for line in lines), err
    assert all(line.rstrip().endswith(b" s") for line in lines), err
    last = err.rfind(b"\rlsnrmine: ")
    tail = err[last + 1:]
    width = len(tail.split(b"\r")[0].rstrip())
    assert b"\r" + b" " * width + b"\r" in tail, err[-300:]  # erased at the end


def test_dashboard_progress_names_the_rules(log: Path, tmp_path: Path) -> None:
    """`report --html`: the status line through the load, the events and the alert rules."""
    page = tmp_path / "dashboard.html"
    code, out, err = run_cli(["report", "--html", str(page), "--log", str(log)], tmp_path, tty=True)
    assert code == 0, err
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    lines = _status_lines(err)
    assert any(b"building the events" in line for line in lines), err
    assert any(line.startswith(b"lsnrmine: alert rule ") for line in lines), err


def test_no_report_progress_without_a_terminal(log: Path, tmp_path: Path) -> None:
    code, out, err = run_cli(["report", "top_client_ips", "--log", str(log), "--format", "csv"], tmp_path, tty=False)
    assert code == 0, err
    assert out.startswith(b"CLIENT_IP,")
    assert b"\r" not in err and b"MB read" not in err
