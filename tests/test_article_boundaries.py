"""The article's command views list exactly the commands the article names, each on its own line
(tests/fixtures/article_commands.log, in the article's two line forms: the three-field ADMIN_RESTRICTIONS
refusal `* trc_level * 12508`, and the four-field lsnrctl command with its CONNECT_DATA). One line
per listed command, so dropping any one from a view's IN list changes the answer."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES
from lsnrmine.cli import main

COMMANDS_LOG = str(FIXTURES / "article_commands.log")
RESTRICTED = ["password", "rawmode", "displaymode", "trc_file", "trc_directory", "trc_level", "log_file",
              "log_directory", "log_status", "current_listener", "inbound_connect_timeout", "startup_waittime",
              "save_config_on_stop", "start", "stop", "status", "services", "version", "reload", "save_config",
              "trace", "spawn", "change_password", "quit", "exit"]
LSNRCTL = ["start", "stop", "status", "services", "version", "reload", "save_config", "trace", "spawn",
           "change_password", "quit", "exit"]


def rows_of(capsys: pytest.CaptureFixture, query: str) -> list[tuple]:
    code = main(["sql", "--log", COMMANDS_LOG, "--format", "json", "--quiet", query])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return [tuple(row.values()) for row in json.loads(captured.out)]


@pytest.fixture(autouse=True)
def _clean(clean_env) -> None:
    """No LSNRMINE_* variables, no lsnrmine.toml in the working directory."""


def test_admin_restricted_lists_every_refused_command_once_and_nothing_else(capsys) -> None:
    rows = rows_of(capsys, "select command, return_code from lsnr_admin_restricted order by log_date")
    assert rows == [(command, "12508") for command in RESTRICTED]


def test_failed_commands_lists_every_refused_lsnrctl_command_but_no_success(capsys) -> None:
    rows = rows_of(capsys, "select l_user, command, return_code from lsnr_failed_commands order by log_date")
    assert rows == [("bhavin", command, "1190") for command in LSNRCTL]


def test_listener_commands_sees_both_outcomes_of_each_command(capsys) -> None:
    rows = rows_of(capsys, "select command, rc, count(*) n from lsnr_listener_commands "
                           "group by command, rc order by command, rc")
    expected = sorted([(c, "0", 1) for c in LSNRCTL] + [(c, "1190", 1) for c in LSNRCTL] + [("show", "1190", 1)])
    assert rows == expected
