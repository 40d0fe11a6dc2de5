"""Connection options, passwords and connect errors (installer/connect.py).

``connect`` is exercised with python-oracledb itself against 127.0.0.1:9 (nothing listens there:
Thin mode fails fast with connection refused) and with a recording ``connect_fn`` to check which
parameters reach ``oracledb.connect``; no database is needed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import oracledb
import pytest

from lsnrmine.errors import UserError
from lsnrmine.connect import (
    ConnectOptions,
    Credentials,
    check_new_password,
    connect,
    one_line,
    options_from,
    read_password,
)


def ns(**kw: Any) -> argparse.Namespace:
    base = {"dsn": None, "user": None, "sysdba": False, "tns_admin": None, "wallet_dir": None}
    base.update(kw)
    return argparse.Namespace(**base)


def test_dsn_from_flag_or_environment() -> None:
    assert options_from(ns(dsn="db:1521/pdb"), environ={}).dsn == "db:1521/pdb"
    assert options_from(ns(), environ={"LSNRMINE_DSN": "alias"}).dsn == "alias"
    assert options_from(ns(dsn="a:1/b"), environ={"LSNRMINE_DSN": "x"}).dsn == "a:1/b"
    assert options_from(ns(dsn="a:1/b"), environ={"LSNRMINE_USER": "system"}).user == "system"
    with pytest.raises(UserError) as info:
        options_from(ns(), environ={})
    assert info.value.exit_code == 2 and "--dsn" in str(info.value)


def test_dsn_with_password_refused_without_echo() -> None:
    with pytest.raises(UserError) as info:
        options_from(ns(dsn="scott/tiger@db:1521/pdb"), environ={})
    assert "tiger" not in str(info.value) and info.value.exit_code == 2
    # a URL-style Easy Connect string is fine
    assert options_from(ns(dsn="tcps://db:2484/pdb"), environ={}).dsn == "tcps://db:2484/pdb"


def test_directories_must_exist(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="--tns-admin"):
        options_from(ns(dsn="x", tns_admin=str(tmp_path / "nope")), environ={})
    assert options_from(ns(dsn="x", wallet_dir=str(tmp_path)), environ={}).wallet_dir == str(tmp_path)


def test_read_password_env_prompt_and_no_tty() -> None:
    assert read_password("P", "prompt", environ={"P": "s3"}, is_tty=lambda: False) == "s3"
    asked = []
    assert read_password("P", "Password: ", environ={}, is_tty=lambda: True,
                         ask=lambda prompt: asked.append(prompt) or "typed") == "typed"
    assert asked == ["Password: "]
    with pytest.raises(UserError) as info:
        read_password("LSNRMINE_PASSWORD", "x", environ={}, is_tty=lambda: False)
    assert info.value.exit_code == 2
    assert str(info.value) == "no password: set LSNRMINE_PASSWORD, or run from a terminal to be asked for it"
    with pytest.raises(UserError):
        read_password("P", "x", environ={}, is_tty=lambda: True, ask=lambda _p: "")


@pytest.mark.parametrize("bad", ['ab"cd', "ab\ncd", "ab\x00", "", "ab~'cd"])
def test_new_owner_password_rules_never_echo(bad: str) -> None:
    with pytest.raises(UserError) as info:
        check_new_password(bad)
    if bad:
        assert bad not in str(info.value)


def test_new_owner_password_allows_specials() -> None:
    assert check_new_password("a'b;c--d&e Ü") == "a'b;c--d&e Ü"


def test_connect_parameters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict] = []

    def fake_connect(**params: Any) -> str:
        seen.append(params)
        return "conn"

    options = ConnectOptions(dsn="db:1521/pdb", user="system", sysdba=True)
    assert connect(options, Credentials("system", "pw", True), connect_fn=fake_connect) == "conn"
    assert seen[-1]["mode"] == oracledb.AUTH_MODE_SYSDBA
    assert seen[-1]["user"] == "system" and seen[-1]["password"] == "pw" and seen[-1]["dsn"] == "db:1521/pdb"
    assert "config_dir" not in seen[-1] and "wallet_location" not in seen[-1]

    monkeypatch.setenv("LSNRMINE_WALLET_PASSWORD", "wpw")
    wallet = str(tmp_path)
    connect(ConnectOptions(dsn="alias", wallet_dir=wallet), Credentials("LSNRMINE", "pw"), connect_fn=fake_connect)
    assert seen[-1]["wallet_location"] == wallet and seen[-1]["config_dir"] == wallet
    assert seen[-1]["wallet_password"] == "wpw" and "mode" not in seen[-1]

    tns = str(tmp_path / "tns")
    connect(ConnectOptions(dsn="alias", tns_admin=tns, wallet_dir=wallet), Credentials("u", "p"), connect_fn=fake_connect)
    assert seen[-1]["config_dir"] == tns and seen[-1]["wallet_location"] == wallet


def test_connect_error_is_one_line_and_masks_password() -> None:
    def failing(**params: Any) -> None:
        raise oracledb.DatabaseError(f"ORA-01017: invalid credential {params['password']}\nHelp: https://x")

    with pytest.raises(UserError) as info:
        connect(ConnectOptions(dsn="db/pdb"), Credentials("u", "SeCrEt-42"), connect_fn=failing)
    message = str(info.value)
    assert message.startswith("cannot connect to db/pdb: ORA-01017")
    assert "SeCrEt-42" not in message and "\n" not in message and info.value.exit_code == 1


def test_connect_refused_for_real() -> None:
    with pytest.raises(UserError) as info:
        connect(ConnectOptions(dsn="127.0.0.1:9/FREEPDB1"), Credentials("system", "Pw-9b1e"))
    message = str(info.value)
    assert message.startswith("cannot connect to 127.0.0.1:9/FREEPDB1: DPY-")
    assert "\n" not in message and "Pw-9b1e" not in message


def test_credentials_repr_hides_password() -> None:
    assert "hunter2" not in repr(Credentials("u", "hunter2"))


def test_one_line() -> None:
    assert one_line("a\n\n  b  \n", ("b",)) == "a ***"
