"""Oracle's errors when the database reads the listener log, as the one fix the DBA needs."""

from __future__ import annotations

import re
from typing import Optional

from .settings import Settings

# ORA-29913 / ORA-29400 wrap EVERY access-driver error (syntax errors included): only these are
# file errors (KUP-04040 not found, KUP-04001 open failed, KUP-04027 file name check failed;
# ORA-22285 / ORA-22288 from a BFILE open). Every other error is reported with Oracle's KUP lines.
_FILE_ERRORS = re.compile(r"KUP-04040|KUP-04001|KUP-04027|ORA-22288|ORA-22285")
_NO_GRANT_ERRORS = re.compile(r"ORA-22286|KUP-04080|ORA-29289")
_DRIVER_LINE = re.compile(r"^\s*((?:KUP|ORA)-\d{5}.*)$", re.MULTILINE)
_WRAPPERS = ("ORA-29913", "ORA-29400", "ORA-06512")
_OS_ERROR_AFTER_22288 = re.compile(r"ORA-22288[^\n]*\n\s*((?!(?:ORA|KUP)-\d)[^\n]+)")
SYMLINK_HINT = ("since 18c a directory object's path must not contain a symbolic link "
                "(ORA-22288 \"soft link in path\"): give log_dir as the real path")


def location_fix(settings: Settings) -> str:
    """How a LOCATION file that is gone leaves LISTENER_LOG (A5)."""
    return (f"if the file is gone (a rotated segment deleted), `exec {settings.object_name('LOG_LOCATION_PKG')}.refresh` "
            f"as {settings.schema} keeps LISTENER_LOG to the files that exist (the ingest job does it at every run)")


def driver_lines(text: str) -> list[str]:
    """Oracle's own error lines without the ORA-29913/ORA-29400/ORA-06512 wrappers, in order."""
    lines = [m.group(1).strip() for m in _DRIVER_LINE.finditer(str(text))]
    inner = [line for line in lines if not line.startswith(_WRAPPERS)]
    return list(dict.fromkeys(inner or lines))


def translate_read_error(text: str, settings: Settings, file_name: Optional[str] = None) -> Optional[str]:
    """Oracle's error when reading the log, as the one fix the DBA needs; None if unrelated.

    A file error names the path (and the symbolic-link rule for ORA-22288) and keeps Oracle's
    lines; any other access-driver error (ORA-29913/ORA-29400 around a KUP-xxxxx) is reported as
    the KUP lines the database gave, never as a file problem."""
    if _NO_GRANT_ERRORS.search(text):
        return (f"{settings.schema} has no READ on directory {settings.directory}: "
                "run `lsnrmine install --phase admin` as a DBA (grants READ)")
    lines = driver_lines(text)
    os_error = _OS_ERROR_AFTER_22288.search(text)
    if os_error:  # ORA-22288 puts the operating system's reason on the next line
        lines.append(os_error.group(1).strip())
    if not _FILE_ERRORS.search(text):
        if "ORA-29913" in text or "ORA-29400" in text:
            message = "the ORACLE_LOADER access driver failed: " + " | ".join(lines)
            if re.search(r"KUP-0(?:0554|1005|1007)", text):  # the access parameters did not parse
                message += (f"; the access parameters of {settings.object_name('LISTENER_LOG_EXT')} (the external "
                            "table under LISTENER_LOG) were refused: see docs/oracle-facts.md, 'Install hardening'")
            return message
        return None
    if file_name is None:
        named = [f for f in settings.log_files if f in text]
        file_name = named[0] if named else ",".join(settings.log_files)
    sep = "\\" if "\\" in settings.log_dir and "/" not in settings.log_dir else "/"
    path = settings.log_dir.rstrip("/\\") + sep + file_name
    message = f"the database cannot read {path}: check the path and the OS permissions of the oracle user"
    if "ORA-22288" in text and re.search(r"soft link|symbolic link", text, re.IGNORECASE):
        message += f"; {SYMLINK_HINT}"
    if "KUP-04040" in text:  # A5: a LOCATION file that is gone (a rotated segment deleted)
        message += f"; {location_fix(settings)}"
    return f"{message} (Oracle: {' | '.join(lines)})" if lines else message


def error_text(exc: BaseException) -> str:
    """The full driver text of an error (ScriptError.detail), else its message."""
    detail = getattr(exc, "detail", "")
    return detail or str(exc)
