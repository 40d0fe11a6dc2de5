"""Audit: which logon audit trail a database fills, for the installer's preflight.

``audit_mode`` stays an explicit setting (none | unified | traditional | both): what to deploy is
the DBA's decision, and the owner phase must build the same objects the admin phase granted for.
The admin phase (a DBA account, which can read both trails) runs :func:`detect` and adds notes when
the setting and the database disagree; the owner phase checks the direct SELECT grants the audit
views need (:func:`missing_owner_grants`). Fixed statements only, no values.

Facts (docs/audit.md): V$OPTION 'Unified Auditing' = TRUE is pure unified mode (DBA_AUDIT_TRAIL no
longer filled); FALSE is mixed mode, where UNIFIED_AUDIT_TRAIL still records the enabled unified
policies and DBA_AUDIT_TRAIL records AUDIT SESSION when AUDIT_TRAIL=DB (Database Reference 19c,
UNIFIED_AUDIT_TRAIL / DBA_AUDIT_TRAIL notes; Security Guide, "Enabling Unified Auditing").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from . import db
from .settings import Settings

Q_UNIFIED_OPTION = "select value from v$option where parameter = 'Unified Auditing'"
# one row at most: stops at the first logon record (the trails can be large)
Q_UNIFIED_LOGONS = "select count(*) from unified_audit_trail where action_name = 'LOGON' and rownum = 1"
Q_TRADITIONAL_LOGONS = (
    "select count(*) from dba_audit_trail "
    "where action_name in ('LOGON', 'LOGOFF', 'LOGOFF BY CLEANUP') and rownum = 1"
)
# direct object grants only: the definer's-rights audit views ignore roles (AUDIT_VIEWER)
Q_DIRECT_SELECT = (
    "select count(*) from all_tab_privs "
    "where table_name = :table_name and privilege = 'SELECT' and grantee = user"
)


@dataclass(frozen=True)
class Detection:
    pure_unified: Optional[bool]  # V$OPTION; None when it could not be read
    unified_logons: Optional[bool]
    traditional_logons: Optional[bool]

    @property
    def suggested_mode(self) -> str:
        unified, traditional = bool(self.unified_logons), bool(self.traditional_logons) and not self.pure_unified
        if unified and traditional:
            return "both"
        if unified:
            return "unified"
        if traditional:
            return "traditional"
        return "none"


def _try(conn: Any, sql: str) -> Optional[Any]:
    try:
        return db.scalar(conn, sql)
    except Exception:  # ORA-00942 / ORA-01031: this account cannot read it; say "unknown"
        return None


def detect(conn: Any) -> Detection:
    option = _try(conn, Q_UNIFIED_OPTION)
    unified = _try(conn, Q_UNIFIED_LOGONS)
    traditional = _try(conn, Q_TRADITIONAL_LOGONS)
    return Detection(
        pure_unified=None if option is None else str(option).upper() == "TRUE",
        unified_logons=None if unified is None else int(unified) > 0,
        traditional_logons=None if traditional is None else int(traditional) > 0,
    )


def admin_notes(conn: Any, settings: Settings) -> list[str]:
    """Notes for the admin preflight: the configured audit_mode against what the database records."""
    if not settings.audit_enabled:
        return []  # nothing audit-related is deployed; reading the trails is not this run's business
    found = detect(conn)
    notes = []
    if settings.audit_traditional and found.pure_unified:
        notes.append("audit_mode includes traditional but the database runs pure unified auditing "
                     "(V$OPTION 'Unified Auditing' = TRUE): DBA_AUDIT_TRAIL stays empty; use audit_mode = unified")
    for wanted, has, trail, fix in (
        (settings.audit_unified, found.unified_logons, "UNIFIED_AUDIT_TRAIL",
         "create and enable a LOGON audit policy (docs/audit.md)"),
        (settings.audit_traditional, found.traditional_logons, "DBA_AUDIT_TRAIL",
         "set AUDIT_TRAIL=DB and AUDIT SESSION (docs/audit.md)"),
    ):
        if wanted and has is False:
            notes.append(f"{trail} holds no logon records yet: {fix}; until then every listener connect "
                         "shows as unmatched in the audit views")
    if found.suggested_mode not in ("none", settings.audit_mode):
        notes.append(f"audit_mode = {settings.audit_mode}, but the logon records are in "
                     f"{'both trails' if found.suggested_mode == 'both' else 'the ' + found.suggested_mode + ' trail'}: "
                     f"consider audit_mode = {found.suggested_mode}")
    return notes


def missing_owner_grants(conn: Any, settings: Settings) -> list[str]:
    """Direct SELECT grants the owner lacks for the audit views of audit_mode (owner preflight)."""
    wanted = [t for t, on in (("UNIFIED_AUDIT_TRAIL", settings.audit_unified),
                              ("DBA_AUDIT_TRAIL", settings.audit_traditional)) if on]
    missing = []
    for table in wanted:
        if not db.scalar(conn, Q_DIRECT_SELECT, table_name=table):
            missing.append(f"SELECT on {table} (a direct grant; AUDIT_VIEWER does not count in views)")
    return missing
