from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lsnrmine.cli import main
from lsnrmine.render import render_scripts
from lsnrmine.runner import split_script
from lsnrmine.settings import Settings


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    return subprocess.run([sys.executable, "-m", "lsnrmine", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_render_writes_masters_and_object_files(clean_env: Path) -> None:
    out = clean_env / "deploy"
    assert main(["render", "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    for master in ("install.sql", "install_admin.sql", "uninstall.sql", "uninstall_admin.sql"):
        assert master in names
    install = (out / "install.sql").read_text()
    assert install.index("whenever sqlerror exit failure") < install.index("spool lsnrmine_install.log")
    object_files = [line[2:] for line in install.splitlines() if line.startswith("@@")]
    assert object_files, "install.sql runs no object file"
    for file_name in object_files:
        assert (out / file_name).is_file()
    assert "status <> 'VALID'" in install  # final invalid-object check
    # uninstall drops in reverse manifest order
    uninstall = (out / "uninstall.sql").read_text()
    drops = [line.split()[-1] for line in uninstall.splitlines() if line.startswith("prompt drop")]
    installed = [line.split()[-1] for line in install.splitlines() if line.startswith("prompt [")]
    assert drops == [name for name in reversed(installed) if name in drops]
    assert "LISTENER_LOG" in drops and "PARSE_LISTENER_LOG_LINE" in drops


def test_every_statement_ends_with_slash_line(clean_env: Path) -> None:
    for file_name, text in render_scripts(Settings()).items():
        if file_name.startswith(("install", "uninstall")):
            continue
        statements = split_script(text)
        assert statements, file_name
        assert text.rstrip().endswith("\n/"), file_name


def test_stdout_equals_files(clean_env: Path) -> None:
    result = run_cli("render", "--stdout", cwd=clean_env)
    assert result.returncode == 0, result.stderr
    for file_name, text in render_scripts(Settings()).items():
        assert f"-- ===== {file_name} =====\n{text}" in result.stdout


def test_render_uses_configured_names(clean_env: Path) -> None:
    out = clean_env / "x"
    assert main(["render", "--out", str(out), "--schema", "lm_owner", "--prefix", "LM_", "--directory",
                 "LM_DIR", "--log-dir", "/u01/logs", "--log-file", "listener.log",
                 "--log-file", "listener_1.log", "--date-language", "japanese"]) == 0
    text = "\n".join(p.read_text() for p in out.iterdir())
    assert '"LM_OWNER"' in text and '"LM_DIR"' in text and "'/u01/logs'" in text
    assert "'listener_1.log'" in text and "JAPANESE" in text
    assert '"LSNR_' not in text  # the prefix reached every new object


def test_no_password_or_foreign_path_in_scripts(clean_env: Path) -> None:
    for text in render_scripts(Settings(create_schema=True)).values():
        assert "identified by \"&lsnrmine_owner_password\"" in text or "identified by" not in text.lower()
        for token in ("/home/", "/root", "/tmp/", "C:\\"):
            assert token not in text


@pytest.mark.parametrize(
    ("flags", "setting"),
    [
        (["--schema", "a'b"], "schema"),
        (["--schema", "DROP"], "schema"),
        (["--log-dir", "relative/dir"], "log_dir"),
        (["--log-dir", "/u01/it's"], "log_dir"),
        (["--log-file", "sub/listener.log"], "log_file"),
        (["--prefix", "a b"], "prefix"),
        (["--date-language", "XX"], "date_language"),
    ],
)
def test_bad_settings_exit_2_one_line_no_files(clean_env: Path, flags: list[str], setting: str) -> None:
    out = clean_env / "deploy"
    result = run_cli("render", "--out", str(out), *flags, cwd=clean_env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"lsnrmine: setting {setting}:")
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_bad_env_setting_is_rejected(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSNRMINE_SCHEMA", "x--y")
    assert main(["render", "--stdout"]) == 2


def test_help_and_version(clean_env: Path) -> None:
    result = run_cli("--help", cwd=clean_env)
    assert result.returncode == 0
    for command in ("render", "install", "verify", "status", "uninstall"):
        assert command in result.stdout
        sub = run_cli(command, "--help", cwd=clean_env)
        assert sub.returncode == 0 and "--schema" in sub.stdout
    version = run_cli("--version", cwd=clean_env)
    assert version.stdout.startswith("lsnrmine ")


def test_out_is_a_file(clean_env: Path) -> None:
    target = clean_env / "afile"
    target.write_text("x")
    result = run_cli("render", "--out", str(target), cwd=clean_env)
    assert result.returncode == 2 and "not a directory" in result.stderr


def test_render_and_dry_run_show_the_hardening_and_force(clean_env: Path, capsys: pytest.CaptureFixture) -> None:
    """Every new grant, check and statement is visible in `render` and `install --dry-run`;
    --force changes only the directory guard (A14)."""
    assert main(["install", "--phase", "all", "--dry-run"]) == 0
    dry = capsys.readouterr().out
    for needle in ("create sequence", "quota unlimited on", "grant execute on sys.dbms_lob",
                   "never repoints a directory", "disabled (DBMS_SCHEDULER.DISABLE, force)", "seeded_value",
                   '"LSNR_SETTINGS_LIMITS_CK"'):
        assert needle in dry, needle
    assert main(["install", "--phase", "admin", "--dry-run", "--force"]) == 0
    forced = capsys.readouterr().out
    assert "never repoints a directory" not in forced and 'create or replace directory "LISTENER_LOG_DIR"' in forced
    assert main(["uninstall", "--phase", "admin", "--dry-run", "--force"]) == 0
    assert "or l_path is not null then" in capsys.readouterr().out
    plain, force = clean_env / "plain", clean_env / "force"
    assert main(["render", "--out", str(plain)]) == 0 and main(["render", "--out", str(force), "--force"]) == 0
    capsys.readouterr()
    changed = sorted(p.name for p in plain.iterdir() if p.read_text() != (force / p.name).read_text())
    assert changed == ["admin_01_listener_log_dir.sql", "uninstall_admin.sql"], changed
    install = (plain / "install.sql").read_text()
    assert "'CREATE SEQUENCE'" in install and "from user_ts_quotas" in install and "'DBMS_LOB'" in install
    assert "returning id into :lsnrmine_run_id" in install and "dbms_scheduler.disable" in install
