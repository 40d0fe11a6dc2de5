"""Settings of the wrong kind in lsnrmine.toml, and names that would make unsafe script file names,
through the CLI: one line naming the setting, what it is and how to write it; exit 2; no file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def lsnrmine(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
    return subprocess.run([sys.executable, "-m", "lsnrmine", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize(("line", "expected"), [
    ("schema = 5", 'setting schema: is a number (5) where a string is expected; write it as schema = "LSNRMINE"'),
    ("schema = { name = \"X\" }",
     'setting schema: is a table ({name = ...}) where a string is expected; write it as schema = "LSNRMINE"'),
    ("prefix = [\"A_\"]", 'setting prefix: is an array (["A_"]) where a string is expected; write it as prefix = "LSNR_"'),
    ("log_file = 5", "setting log_file: is a number (5) where a string or an array of strings is expected; "
                     'write it as log_file = ["listener.log"]'),
    ("log_file = { a = 1 }", "setting log_file: is a table ({a = ...}) where a string or an array of strings is "
                             'expected; write it as log_file = ["listener.log"]'),
    ("log_file = [\"listener.log\", 2]", "setting log_file: is an array holding a number (2) where a string or an "
                                         'array of strings is expected; write it as log_file = ["listener.log"]'),
    ("privileged_os_users = 3", "setting privileged_os_users: is a number (3) where a string or an array of strings "
                                'is expected; write it as privileged_os_users = ["root", "oracle", "administrator"]'),
    ("retention_days = { days = 9 }", "setting retention_days: is a table ({days = ...}) where a whole number is "
                                      "expected; write it as retention_days = 90"),
    ("jobs_enabled = [1]", "setting jobs_enabled: is an array ([1]) where true or false is expected; "
                           "write it as jobs_enabled = true"),
    ("mail_host = 25", 'setting mail_host: is a number (25) where a string is expected; '
                       'write it as mail_host = "smtp.example.com"'),
    ("directory = 1979-05-27", "setting directory: is a date or time (1979-05-27) where a string is expected; "
                               'write it as directory = "LISTENER_LOG_DIR"'),
])
def test_toml_value_of_the_wrong_kind_is_named(tmp_path: Path, line: str, expected: str) -> None:
    (tmp_path / "lsnrmine.toml").write_text(f"[lsnrmine]\n{line}\n", encoding="utf-8")
    result = lsnrmine("render", "--out", "out", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, f"lsnrmine: {expected}\n")
    assert not (tmp_path / "out").exists()


def test_values_of_the_right_kind_still_load(tmp_path: Path) -> None:
    """Strings for numbers and booleans (as LSNRMINE_* variables give them) and a comma list."""
    (tmp_path / "lsnrmine.toml").write_text(
        '[lsnrmine]\nretention_days = "30"\njobs_enabled = "no"\nlog_file = "listener.log, listener_1.log"\n',
        encoding="utf-8")
    result = lsnrmine("render", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    settings = (tmp_path / "out" / "01_lsnr_settings.sql").read_text(encoding="utf-8")
    assert "select 'RETENTION_DAYS', '30'," in settings
    assert not (tmp_path / "out" / "15_lsnr_ingest_job.sql").exists()  # jobs_enabled = no: no job scripts


@pytest.mark.parametrize(("flag", "value", "example"), [
    ("--prefix", "LM$", "01_lm$settings.sql"),
    ("--prefix", "A#_", "01_a#_settings.sql"),
    ("--schema", "C##LSNR", "admin_NN_c##lsnr.sql"),
    ("--directory", "LOG$DIR", "admin_NN_log$dir.sql"),
])
def test_names_that_make_unsafe_script_names_are_refused(tmp_path: Path, flag: str, value: str, example: str) -> None:
    result = lsnrmine("render", flag, value, "--out", "out", cwd=tmp_path)
    setting = flag[2:]
    assert result.returncode == 2
    assert result.stderr == (
        f"lsnrmine: setting {setting}: {value!r} puts $ or # into the names of the scripts render writes "
        f"(e.g. {example}), which a shell expands or globs; use letters, digits and _ "
        "(install and render --stdout write no file)\n")
    assert not (tmp_path / "out").exists()
    # the same name is valid SQL: printed scripts (no file) still render, the name quoted
    printed = lsnrmine("render", flag, value, "--stdout", cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    assert f'"{value}' in printed.stdout


def test_loader_log_directory_with_dollar_is_refused_for_files(tmp_path: Path) -> None:
    (tmp_path / "lsnrmine.toml").write_text(
        '[lsnrmine]\nloader_log_directory = "LL$DIR"\nloader_log_dir = "/var/tmp/lsnrmine"\n', encoding="utf-8")
    result = lsnrmine("render", "--out", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("lsnrmine: setting loader_log_directory: 'LL$DIR' puts $ or # into the names")
    assert not (tmp_path / "out").exists()
