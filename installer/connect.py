"""Database connections for install, verify, status and uninstall (python-oracledb Thin mode).

Where the pieces come from:

* DSN: ``--dsn`` or ``LSNRMINE_DSN``; an Easy Connect string (``host:1521/service``) or a
  tnsnames.ora alias found in ``--tns-admin`` (python-oracledb ``config_dir``: "a directory in
  which the optional tnsnames.ora configuration file is located", Thin mode only; without it
  python-oracledb reads ``TNS_ADMIN``).
* Passwords: ``LSNRMINE_PASSWORD`` (the ``--user`` account), ``LSNRMINE_OWNER_PASSWORD`` (the
  owner schema), else a ``getpass`` prompt when standard input is a terminal. Never a flag value,
  never echoed, never logged, never written into a rendered script.
* Wallet: ``--wallet-dir`` is python-oracledb's ``wallet_location`` ("In python-oracledb Thin mode,
  a directory must contain the PEM-encoded wallet file ewallet.pem") and, without
  ``--tns-admin``, also its ``config_dir`` (an Autonomous Database wallet folder holds
  tnsnames.ora too); ``LSNRMINE_WALLET_PASSWORD`` is ``wallet_password`` ("the password to use to
  decrypt the wallet ... not the database password"). In Thin mode a wallet secures the TLS
  connection only: Thin "only allows user/password authentication", so a Secure External
  Password Store wallet cannot replace the database password (python-oracledb API manual,
  ``oracledb.connect()`` / ``ConnectParams``; github.com/oracle/python-oracledb/discussions/174).
* ``--sysdba``: ``mode=oracledb.AUTH_MODE_SYSDBA``.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

from . import db
from .errors import EXIT_FAILURE, EXIT_USAGE, UserError

ENV_DSN = "LSNRMINE_DSN"
ENV_USER = "LSNRMINE_USER"
ENV_PASSWORD = "LSNRMINE_PASSWORD"
ENV_OWNER_PASSWORD = "LSNRMINE_OWNER_PASSWORD"
ENV_WALLET_PASSWORD = "LSNRMINE_WALLET_PASSWORD"

CONNECT_TIMEOUT_SECONDS = 20.0  # python-oracledb tcp_connect_timeout (default 20 s in recent versions)


@dataclass(frozen=True)
class ConnectOptions:
    dsn: str
    user: Optional[str] = None  # the --user account (phase admin); None = not given
    sysdba: bool = False
    tns_admin: Optional[str] = None
    wallet_dir: Optional[str] = None


@dataclass(frozen=True)
class Credentials:
    """A user and its password; ``repr`` never shows the password."""

    user: str
    password: str
    sysdba: bool = False

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password=***, sysdba={self.sysdba})"


def options_from(args: Any, environ: Optional[Mapping[str, str]] = None) -> ConnectOptions:
    """Connection options from the CLI flags and LSNRMINE_* variables (no password here)."""
    environ = os.environ if environ is None else environ
    dsn = (getattr(args, "dsn", None) or environ.get(ENV_DSN) or "").strip()
    if not dsn:
        raise UserError(f"no database given: use --dsn host:port/service (or a TNS alias with --tns-admin) or set {ENV_DSN}")
    if any(ch in dsn for ch in "\n\r\0"):
        raise UserError("--dsn contains a line break; give one Easy Connect string or TNS alias")
    head = dsn.split("@", 1)[0] if "@" in dsn else ""
    if "/" in head and "://" not in head:
        # user/password@dsn would put a password in shell history
        raise UserError("--dsn must not contain user/password: give --user and set LSNRMINE_PASSWORD (or be prompted)")
    user = getattr(args, "user", None) or environ.get(ENV_USER) or None
    for flag, value in (("--tns-admin", getattr(args, "tns_admin", None)), ("--wallet-dir", getattr(args, "wallet_dir", None))):
        if value is not None and not os.path.isdir(value):
            raise UserError(f"{flag} {value}: not a directory; give the folder holding tnsnames.ora / ewallet.pem")
    return ConnectOptions(
        dsn=dsn,
        user=user,
        sysdba=bool(getattr(args, "sysdba", False)),
        tns_admin=getattr(args, "tns_admin", None),
        wallet_dir=getattr(args, "wallet_dir", None),
    )


def read_password(
    env_var: str,
    prompt: str,
    *,
    environ: Optional[Mapping[str, str]] = None,
    is_tty: Optional[Callable[[], bool]] = None,
    ask: Callable[[str], str] = getpass.getpass,
) -> str:
    """The password from ``env_var``, else a getpass prompt when stdin is a terminal.

    Without either: a one-line error, exit 2 (a job must set the variable)."""
    environ = os.environ if environ is None else environ
    value = environ.get(env_var)
    if value:
        return value
    tty = is_tty() if is_tty is not None else sys.stdin.isatty()
    if not tty:
        raise UserError(f"no password: set {env_var}, or run from a terminal to be asked for it", exit_code=EXIT_USAGE)
    value = ask(prompt)
    if not value:
        raise UserError("empty password given", exit_code=EXIT_USAGE)
    return value


def check_new_password(password: str) -> str:
    """A password for CREATE USER ... IDENTIFIED BY "<password>" (admin/create_schema.sql).

    Quoted passwords may use any character of the database character set except the double
    quote (SQL Language Reference, CREATE USER: "Passwords can contain any single-byte,
    multibyte, or special characters ... quoted"); control characters are refused too. The
    message never contains the value."""
    if not password:
        raise UserError("the owner password is empty", exit_code=EXIT_USAGE)
    if '"' in password or any(ord(ch) < 32 or ord(ch) == 127 for ch in password):
        raise UserError("the owner password contains a double quote or a control character; choose another",
                        exit_code=EXIT_USAGE)
    if "~'" in password:  # admin/create_schema.sql quotes the CREATE USER statement as q'~...~'
        raise UserError("the owner password contains ~ followed by a single quote; choose another",
                        exit_code=EXIT_USAGE)
    if len(password.encode("utf-8")) > 1024:
        raise UserError("the owner password is longer than 1024 bytes", exit_code=EXIT_USAGE)
    return password


def one_line(text: str, secrets: tuple[str, ...] = ()) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return db.mask(" ".join(lines) or "unknown error", secrets)


def connect(
    options: ConnectOptions,
    credentials: Credentials,
    *,
    connect_fn: Optional[Callable[..., Any]] = None,
) -> Any:
    """Open a Thin-mode connection; any failure is one line: ``cannot connect to <dsn>: <reason>``."""
    import oracledb  # a heavy import, paid only when a command connects

    params: dict[str, Any] = {
        "user": credentials.user,
        "password": credentials.password,
        "dsn": options.dsn,
        "tcp_connect_timeout": CONNECT_TIMEOUT_SECONDS,
    }
    if credentials.sysdba:
        params["mode"] = oracledb.AUTH_MODE_SYSDBA
    config_dir = options.tns_admin or options.wallet_dir
    if config_dir:
        params["config_dir"] = config_dir
    if options.wallet_dir:
        params["wallet_location"] = options.wallet_dir
        wallet_password = os.environ.get(ENV_WALLET_PASSWORD)
        if wallet_password:
            params["wallet_password"] = wallet_password
    secrets = tuple(v for v in (credentials.password, params.get("wallet_password")) if v)
    try:
        return (connect_fn or oracledb.connect)(**params)
    except oracledb.Error as exc:
        raise UserError(f"cannot connect to {options.dsn}: {one_line(str(exc), secrets)}", exit_code=EXIT_FAILURE) from None
    except (OSError, ValueError, TypeError) as exc:
        raise UserError(f"cannot connect to {options.dsn}: {one_line(str(exc), secrets)}", exit_code=EXIT_FAILURE) from None
