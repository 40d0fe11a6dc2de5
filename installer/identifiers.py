"""Validation of everything from configuration that ends up in SQL text.

Identifiers are restricted to Oracle *simple* SQL names (the same rule as
``sys.dbms_assert.simple_sql_name`` applied to unquoted names), upper-cased and
double-quoted when rendered, so a validated value can never change the shape of
a statement. Values that are not identifiers (paths, file names) are checked
against a strict whitelist and rendered as single-quoted literals.
"""

from __future__ import annotations

import re

# Oracle SQL reserved words (SQL Language Reference, "Oracle SQL Reserved Words")
# plus PL/SQL reserved words (PL/SQL Language Reference, appendix D): a schema or
# object named like these would need quoting everywhere, so we refuse them.
RESERVED_WORDS = frozenset(
    """
    ACCESS ADD ALL ALTER AND ANY AS ASC AUDIT BETWEEN BY CHAR CHECK CLUSTER COLUMN
    COLUMN_VALUE COMMENT COMPRESS CONNECT CREATE CURRENT DATE DECIMAL DEFAULT DELETE
    DESC DISTINCT DROP ELSE EXCLUSIVE EXISTS FILE FLOAT FOR FROM GRANT GROUP HAVING
    IDENTIFIED IMMEDIATE IN INCREMENT INDEX INITIAL INSERT INTEGER INTERSECT INTO IS
    LEVEL LIKE LOCK LONG MAXEXTENTS MINUS MLSLABEL MODE MODIFY NESTED_TABLE_ID
    NOAUDIT NOCOMPRESS NOT NOWAIT NULL NUMBER OF OFFLINE ON ONLINE OPTION OR ORDER
    PCTFREE PRIOR PUBLIC RAW RENAME RESOURCE REVOKE ROW ROWID ROWNUM ROWS SELECT
    SESSION SET SHARE SIZE SMALLINT START SUCCESSFUL SYNONYM SYSDATE TABLE THEN TO
    TRIGGER UID UNION UNIQUE UPDATE USER VALIDATE VALUES VARCHAR VARCHAR2 VIEW
    WHENEVER WHERE WITH
    BEGIN CASE CONSTANT CURSOR DECLARE END EXCEPTION FETCH FUNCTION GOTO IF LOOP
    PACKAGE PROCEDURE RAISE RETURN SUBTYPE TYPE WHILE
    """.split()
)

MAX_IDENTIFIER_BYTES = 128
_SIMPLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_$#]*")
_LANGUAGE_NAME = re.compile(r"[A-Za-z][A-Za-z ]*[A-Za-z]")
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_PATH_CHARS = re.compile(r"[A-Za-z0-9_./\-:\\ ]+")


class SettingError(ValueError):
    """A configuration value that cannot be used; the message is one line for the user."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"setting {setting}: {message}")
        self.setting = setting


def check_identifier(setting: str, value: object, *, allow_trailing_underscore: bool = True) -> str:
    """Return the upper-case simple SQL name, or raise SettingError naming the setting."""
    if not isinstance(value, str) or not value:
        raise SettingError(setting, "is empty; give a simple SQL name such as LSNRMINE")
    if not value.isascii() or not _SIMPLE_NAME.fullmatch(value):
        raise SettingError(
            setting,
            f"{value!r} is not a simple SQL name; use ASCII letters, digits, _ $ # and start with a letter",
        )
    upper = value.upper()
    if len(upper.encode("utf-8")) > MAX_IDENTIFIER_BYTES:
        raise SettingError(setting, f"{value!r} is longer than {MAX_IDENTIFIER_BYTES} bytes")
    if upper in RESERVED_WORDS:
        raise SettingError(setting, f"{value!r} is an Oracle reserved word; choose another name")
    if not allow_trailing_underscore and upper.endswith("_"):
        raise SettingError(setting, f"{value!r} must not end with _")
    return upper


def check_prefix(setting: str, value: object) -> str:
    """An object-name prefix: empty or a simple SQL name fragment (e.g. ``LSNR_``)."""
    if value == "":
        return ""
    upper = check_identifier(setting, value)
    if len(upper) > 30:
        raise SettingError(setting, f"{value!r} is longer than 30 characters; object names would not fit")
    return upper


def quote_identifier(name: str) -> str:
    """Double-quote an already validated name (validates again: quoting is the last line of defence)."""
    upper = check_identifier("identifier", name)
    return f'"{upper}"'


def check_server_path(setting: str, value: object) -> str:
    """An absolute directory path on the database server, free of quotes, newlines and ``..``."""
    if not isinstance(value, str) or not value:
        raise SettingError(setting, "is empty; give the absolute path of the listener log directory on the database server")
    if any(ch in value for ch in "'\"\n\r\t\0"):
        raise SettingError(setting, f"{value!r} contains a quote or control character; give a plain absolute path")
    if not (value.startswith("/") or re.match(r"^[A-Za-z]:\\", value)):
        raise SettingError(setting, f"{value!r} is not absolute; give a path starting with / (or X:\\ on Windows)")
    parts = re.split(r"[\\/]", value)
    if ".." in parts:
        raise SettingError(setting, f"{value!r} contains '..'; give the real directory path")
    if not value.isascii() or not _PATH_CHARS.fullmatch(value):
        raise SettingError(setting, f"{value!r} has characters outside A-Z a-z 0-9 _ . / - : \\ and blank")
    if len(value.encode("utf-8")) > 4000:
        raise SettingError(setting, "is longer than 4000 bytes")
    return value


def check_file_name(setting: str, value: object) -> str:
    """A file name inside the log directory: no path separators, quotes or wildcards."""
    if not isinstance(value, str) or not value:
        raise SettingError(setting, "is empty; give a file name such as listener.log")
    if not value.isascii() or not _FILE_NAME.fullmatch(value) or value in {".", ".."}:
        raise SettingError(
            setting,
            f"{value!r} is not a plain file name; use letters, digits, _ . - (no path separators or quotes)",
        )
    return value


def check_language(setting: str, value: object, known: frozenset[str]) -> str:
    """An Oracle NLS language name such as AMERICAN or JAPANESE."""
    if not isinstance(value, str) or not _LANGUAGE_NAME.fullmatch(value.strip() or "x"):
        raise SettingError(setting, f"{value!r} is not an NLS language name such as AMERICAN")
    upper = " ".join(value.upper().split())
    if upper not in known:
        raise SettingError(setting, f"{value!r} is not a supported date language; use one of {', '.join(sorted(known))}")
    return upper


def check_positive_int(setting: str, value: object, *, maximum: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise SettingError(setting, f"{value!r} is not a whole number") from None
    if not 1 <= number <= maximum:
        raise SettingError(setting, f"{number} is out of range; use 1 to {maximum}")
    return number


_MEMORY_LIMIT = re.compile(r"(\d{1,7}(?:\.\d{1,3})?)\s*(%|B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)", re.IGNORECASE)
_MEMORY_UNITS = {"B": "B", "KB": "KB", "MB": "MB", "GB": "GB", "TB": "TB",
                 "KIB": "KiB", "MIB": "MiB", "GIB": "GiB", "TIB": "TiB", "%": "%"}


def check_memory_limit(setting: str, value: object) -> str:
    """A DuckDB memory_limit: a share of the machine's memory (``50%``) or a size (``2GB``,
    ``512MiB``); returned in DuckDB's spelling."""
    match = _MEMORY_LIMIT.fullmatch(str(value).strip()) if isinstance(value, (str, int)) else None
    if match is None:
        raise SettingError(setting, f"{value!r} is not a memory size; use a share such as 50% or a size such as 2GB or 512MB")
    number, unit = float(match.group(1)), _MEMORY_UNITS[match.group(2).upper()]
    if number <= 0 or (unit == "%" and number > 100):
        raise SettingError(setting, f"{value!r} is out of range; use more than 0 (and at most 100%)")
    if unit == "B" and number < 1024 * 1024:
        raise SettingError(setting, f"{value!r} is too small; use at least 1MB")
    return f"{match.group(1)}{unit}"


def sql_string(value: str) -> str:
    """A single-quoted SQL literal of an already validated value."""
    return "'" + value.replace("'", "''") + "'"
