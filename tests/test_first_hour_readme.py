"""The README's first command as a new user runs it: read from README.md (not copied here), run by
/bin/sh in a copy of the repository's tracked files (no .venv, no build output) with a clean
environment whose PATH holds a system python3 and nothing of this checkout's venv; the report's
rows are compared with the stop commands read from the sample log by a regular expression."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
SAMPLE = REPO_ROOT / "installer" / "samples" / "listener.log"
#: variables of the machine a fresh shell keeps: how pip reaches its index, certificates, proxies
_PASSED = re.compile(r"PIP_\w+|(?i:https?_proxy|no_proxy)|SSL_CERT_\w+|REQUESTS_CA_BUNDLE|TMPDIR")


def start_commands() -> list[str]:
    """The shell commands of the README's Start section, in order (one per ```sh block)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Start\n", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S)]


def _stock_python_dir() -> str:
    """The folder of the python3 a fresh login finds: the system one when there is one, else the
    first python3 on PATH that is not inside a virtual environment."""
    if Path("/usr/bin/python3").exists():
        return "/usr/bin"
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if folder and (Path(folder) / "python3").exists() and not (Path(folder).parent / "pyvenv.cfg").exists():
            return folder
    pytest.skip(reason="no python3 outside a virtual environment on PATH")


def _tracked_copy(dest: Path) -> None:
    """The files git tracks and the new ones it would track, as they are in the work tree (in a clean
    clone: what the commit holds)."""
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip(reason="not a git checkout: the tracked files cannot be listed")
    listed = subprocess.run(["git", "-C", str(REPO_ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True)
    for name in listed.stdout.decode("utf-8").split("\0"):
        source = REPO_ROOT / name
        if name and source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def expected_stop_rows() -> list[list[str]]:
    """The article_listener_stops report of the sample, read from the raw lines: a dated line whose
    connect string holds (COMMAND=stop); date as mm/dd/yy hh24:mi:ss, HOST, USER, SERVICE of the
    connect string and the fourth field (these lines have four: it holds the return code)."""
    rows = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        fields = [f.strip() for f in line.split("*")]
        if len(fields) < 4 or "(COMMAND=stop)" not in fields[1]:
            continue
        when = dt.datetime.strptime(fields[0].title(), "%d-%b-%Y %H:%M:%S")

        def value(key: str) -> str:
            return re.search(rf"\({key}=([^)]*)\)", fields[1]).group(1)

        rows.append([when.strftime("%m/%d/%y %H:%M:%S"), value("HOST"), value("USER"), value("SERVICE"), fields[3]])
    return rows


def test_start_section_has_the_two_commands() -> None:
    first, second = start_commands()
    assert "lsnrmine report" in first and "pytest" in second


@pytest.mark.slow  # creates a venv, builds the wheel and installs it with its dependencies (about a minute)
def test_readme_first_command_on_a_fresh_copy(tmp_path: Path) -> None:
    command = start_commands()[0]
    work = tmp_path / "lsnrmine"
    _tracked_copy(work)
    assert not (work / ".venv").exists()
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if _PASSED.fullmatch(key)}
    path = dict.fromkeys([_stock_python_dir(), "/usr/local/bin", "/usr/bin", "/bin"])
    env.update(HOME=str(home), PATH=os.pathsep.join(path))
    result = subprocess.run(["/bin/sh", "-c", command], cwd=work, env=env, capture_output=True, text=True,
                            timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["LOGDATE", "HOST", "L_USER", "SERVICE", "RC"]
    expected = expected_stop_rows()
    assert len(expected) >= 6
    shown = [re.split(r"\s{2,}", line.strip()) for line in lines[2:] if line.strip() and not line.startswith("(")]
    assert shown == expected
    assert lines[-1] == f"({len(expected)} rows)"
