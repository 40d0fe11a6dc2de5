"""Python twin of the PL/SQL function PARSE_LISTENER_LOG_LINE.

Contract (identical to ``plsql/parse_listener_log_line.sql``; the table of cases in
``tests/fixtures/parse_cases.json`` is shared by the twin tests and the live Oracle suite):

``parse_listener_log_line(p_in, p_param) -> str | None``

1. ``p_param`` is matched case-insensitively, ASCII letters only, against ``ALLOWED_KEYS``.
   An unknown key, a NULL key or ``''`` (NULL in Oracle) raises ``UnknownKeyError`` (ORA-20001 in
   Oracle, raised through the error package) with the message
   ``parse_listener_log_line: unknown key "X"; allowed keys: SID, SERVICE_NAME, ...``
   where X is the key as given (first 64 characters; NULL shows as ``""``).
   The key is checked first, even when ``p_in`` is NULL.
2. ``p_in`` NULL or ``''`` (NULL in Oracle) -> None.
3. Find the FIRST occurrence of ``(KEY=`` in ``p_in``, KEY matched case-insensitively on ASCII
   letters only (bracket classes such as ``\\([Ss][Ii][Dd]=``, so Unicode case folds such as
   U+017F LATIN SMALL LETTER LONG S or U+212A KELVIN SIGN never match). Absent -> None.
4. The value runs from right after ``=`` to the ``)`` that closes ``(KEY=``; parentheses inside
   the value are counted, so a parenthesised list is returned whole and balanced:
   ``(SERVICE=(ADDRESS=(PROTOCOL=TCP)(HOST=x)(PORT=1521)))`` with key SERVICE gives
   ``(ADDRESS=(PROTOCOL=TCP)(HOST=x)(PORT=1521))``; ``(CID=(PROGRAM=p)(HOST=h))`` with key CID
   gives ``(PROGRAM=p)(HOST=h)``; ``(PROGRAM=oracle@db1 (TNS V1-V3))`` gives
   ``oracle@db1 (TNS V1-V3)``. A value without parentheses therefore runs up to the next ``)``,
   as in the article. If the closing parenthesis is missing (unbalanced or truncated line) the
   value runs to the end of the input.
5. An empty value (``(PROGRAM=)``, or ``(SID=`` at the very end) -> None. Values are not trimmed and
   may contain ``=``.
6. Key PASSWORD: a non-empty value is replaced by ``PASSWORD_MASK`` (``********``).
7. Every other result is a substring of ``p_in`` (positions counted in characters, never bytes).

Standard library only; the DuckDB engine reuses ``key_pattern`` and ``ALLOWED_KEYS``.
"""

from __future__ import annotations

import re
from typing import Optional

__all__ = [
    "ALLOWED_KEYS",
    "PASSWORD_MASK",
    "MESSAGE_KEY_MAX_CHARS",
    "UnknownKeyError",
    "key_pattern",
    "normalize_key",
    "parse_listener_log_line",
    "unknown_key_message",
]

# Keys accepted in p_param, upper case. Keep in the same order as co_allowed_keys in
# plsql/parse_listener_log_line.sql (tests/test_parse_twin.py checks that both lists are equal).
ALLOWED_KEYS: tuple[str, ...] = (
    # The article's list (Arup Nanda, "Mining Information from the Listener Log", parts 1-3).
    "SID", "SERVICE_NAME", "PROGRAM", "SERVICE", "HOST", "USER", "PROTOCOL", "TYPE", "METHOD",
    "RETRIES", "DELAY", "PORT", "COMMAND",
    # Seen in listener log lines: lsnrctl commands (ARGUMENTS, VERSION, VALUE), CONNECT_DATA,
    # 12c+ connection ids, and the listener password of lsnrctl (masked, never returned).
    "ARGUMENTS", "VERSION", "VALUE", "SERVER", "INSTANCE_NAME", "UR", "CONNECTION_ID",
    "CONNECTION_ID_PREFIX", "PASSWORD",
    # Oracle Database Net Services Reference 19c, chapter 6 "Local Naming Parameters in the
    # tnsnames.ora File" (docs.oracle.com/en/database/oracle/oracle-database/19/netrf/
    # local-naming-parameters-in-tns-ora-file.html): sections "Connect Descriptor Descriptions",
    # "Protocol Addresses", "Optional Parameters for Description", "Connect Data Section"
    # (FAILOVER_MODE and its BACKUP sub-parameter), "Security Section"; COLOCATION_TAG:
    # Net Services Administrator's Guide 26ai 13.2.3 (netag/colocation_tag-client-connections.html).
    "DESCRIPTION_LIST", "DESCRIPTION", "ADDRESS_LIST", "ADDRESS", "CONNECT_DATA", "CID",
    "FAILOVER_MODE", "BACKUP", "GLOBAL_NAME", "HS", "RDB_DATABASE", "COLOCATION_TAG",
    "POOL_CONNECTION_CLASS", "POOL_PURITY", "POOL_BOUNDARY", "SHARDING_KEY",
    "SUPER_SHARDING_KEY", "ENABLE", "FAILOVER", "LOAD_BALANCE", "SOURCE_ROUTE",
    "TYPE_OF_SERVICE", "SDU", "RECV_BUF_SIZE", "SEND_BUF_SIZE", "CONNECT_TIMEOUT",
    "RETRY_COUNT", "RETRY_DELAY", "TRANSPORT_CONNECT_TIMEOUT", "EXPIRE_TIME", "HTTPS_PROXY",
    "HTTPS_PROXY_PORT", "SECURITY", "SSL_SERVER_CERT_DN",
    # Protocol address parameters (Net Services Reference, "Protocol Address Configuration"):
    # IPC KEY, Named Pipes PIPENAME, BEQ ARGS/ARGV0; dispatcher attributes in listener log lines
    # (PRESENTATION, SESSION, as in public sample logs).
    "KEY", "PIPENAME", "ARGS", "ARGV0", "PRESENTATION", "SESSION",
)

PASSWORD_MASK: str = "********"

# The key echoed in the error message is cut to this many characters (both implementations).
MESSAGE_KEY_MAX_CHARS: int = 64

_ALLOWED_SET = frozenset(ALLOWED_KEYS)
# ASCII-only upper casing: str.upper() would fold U+017F to 'S' and U+0131 to 'I'.
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PATTERNS: dict[str, re.Pattern[str]] = {}
_PARENS = re.compile(r"[()]")


class UnknownKeyError(ValueError):
    """p_param is not one of ALLOWED_KEYS (ORA-20001 in Oracle)."""


def unknown_key_message(key: Optional[str]) -> str:
    """The error text, identical to the error package's ORA-20001 message."""
    shown = "" if key is None else key[:MESSAGE_KEY_MAX_CHARS]
    return (
        f'parse_listener_log_line: unknown key "{shown}"; '
        f"allowed keys: {', '.join(ALLOWED_KEYS)}"
    )


def normalize_key(key: Optional[str]) -> str:
    """ASCII-upper-case ``key`` and check it against ALLOWED_KEYS; raise UnknownKeyError."""
    if key:
        upper = key.translate(_ASCII_UPPER)
        if upper in _ALLOWED_SET:
            return upper
    raise UnknownKeyError(unknown_key_message(key))


def key_pattern(key: str) -> str:
    r"""Regex fragment matching ``(KEY=`` with ASCII-only case folding: ``\([Ss][Ii][Dd]=``.

    Valid in Python ``re``, Oracle POSIX regex and RE2 (DuckDB). ``key`` must be an allowed key
    (any ASCII case); only letters become bracket classes, ``_`` stays literal.
    """
    upper = normalize_key(key)
    parts = [f"[{c}{c.lower()}]" if "A" <= c <= "Z" else re.escape(c) for c in upper]
    return r"\(" + "".join(parts) + "="


def _compiled(key: str) -> re.Pattern[str]:
    pattern = _PATTERNS.get(key)
    if pattern is None:
        pattern = _PATTERNS[key] = re.compile(key_pattern(key))
    return pattern


def parse_listener_log_line(p_in: Optional[str], p_param: Optional[str]) -> Optional[str]:
    """Value of ``(p_param=...)`` in ``p_in``; see the module docstring for the full contract."""
    key = normalize_key(p_param)
    if not p_in:
        return None
    match = _compiled(key).search(p_in)
    if match is None:
        return None
    start = match.end()
    if start >= len(p_in):
        return None
    depth = 0
    end = len(p_in)  # no closing parenthesis (unbalanced or truncated): to the end of the input
    for paren in _PARENS.finditer(p_in, start):
        if paren.group() == "(":
            depth += 1
        elif depth == 0:
            end = paren.start()  # the ")" that closes "(KEY="
            break
        else:
            depth -= 1
    value = p_in[start:end]
    if not value:
        return None
    if key == "PASSWORD":
        return PASSWORD_MASK
    return value
