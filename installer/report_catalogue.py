"""The report catalogue: every SQL*Plus script under ``reports/`` (a Jinja2 template).

A report's metadata is its leading comment block: the first comment line is the one-line
description; ``-- time_column: <column>`` declares the column the time range (``--from``/``--to``)
restricts. A report with a time column places ``{{ period }}`` in its WHERE clause (before any
grouping); it renders as ``<column> >= to_date(..) and <column> < to_date(..)`` for the range given,
``1 = 1`` without one (SQL*Plus users get every row). The article's scripts (``article_*``) run on
LISTENER_LOG and declare no time column.

A report that reads only relations carrying each event's ``listener`` and ``host`` (EVENTS and the
REPORT_* views but REPORT_NEW_CLIENTS) can be restricted to one listener and/or host
(``lsnrmine report --listener/--host``): the condition joins the period's in the WHERE clause.
The breakdown per host and listener is the report ``listener_hosts``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from . import identifiers as ids
from .runner import split_script
from .settings import Settings
from .templates import render_template, template_root

_TIME_COLUMN = re.compile(r"--\s*time_column:\s*([a-z_][a-z0-9_]*)\s*$", re.IGNORECASE)
_DATE_MASK = "YYYY-MM-DD HH24:MI:SS"
#: the relations whose rows carry the event's listener and host
_LABELLED = frozenset({"EVENTS", "REPORT_CONNECTIONS", "REPORT_COMMANDS", "REPORT_TNS_ERRORS", "REPORT_SERVICE_EVENTS"})
_OBJ = re.compile(r"obj\('([A-Z_]+)'\)")
#: a host name as ADR and log.xml write it (a node's short or full name)
_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,254}")


@dataclass(frozen=True)
class Report:
    name: str
    description: str
    template: str
    time_column: Optional[str] = None
    #: reads only relations with listener and host columns (see _LABELLED)
    labelled: bool = False


def catalogue() -> list[Report]:
    reports = []
    for path in sorted((template_root() / "reports").glob("*.sql")):
        first = ""
        time_column = None
        text = path.read_text(encoding="utf-8")
        relations = set(_OBJ.findall(text))
        for line in text.splitlines():
            if not line.startswith("--"):
                break  # the header is the leading comment block
            if not first:
                first = line.lstrip("- ").strip()
            match = _TIME_COLUMN.match(line)
            if match:
                time_column = match.group(1).lower()
        reports.append(Report(path.stem, first, f"reports/{path.name}", time_column,
                              labelled=bool(relations) and relations <= _LABELLED and "{{ period }}" in text))
    return reports


def find(name: str) -> Report:
    for report in catalogue():
        if report.name == name:
            return report
    known = ", ".join(r.name for r in catalogue())
    raise KeyError(f"report {name!r} does not exist; `lsnrmine report --list` shows them ({known})")


def period_condition(report: Report, time_from: Optional[dt.datetime], time_to: Optional[dt.datetime]) -> str:
    """The WHERE condition of the time range on the report's time column (from inclusive, to exclusive)."""
    if time_from is None and time_to is None:
        return "1 = 1"
    if report.time_column is None:
        raise ValueError(f"report {report.name!r} has no time column; --from/--to do not apply to it")
    if time_from and time_to and time_from >= time_to:
        raise ValueError("--from must be before --to")
    parts = []
    # the values are datetimes formatted here, never user text: no quoting problem
    if time_from is not None:
        parts.append(f"{report.time_column} >= to_date('{time_from:%Y-%m-%d %H:%M:%S}', '{_DATE_MASK}')")
    if time_to is not None:
        parts.append(f"{report.time_column} < to_date('{time_to:%Y-%m-%d %H:%M:%S}', '{_DATE_MASK}')")
    return " and ".join(parts)


def source_condition(report: Report, listener: Optional[str], host: Optional[str]) -> Optional[str]:
    """The WHERE condition restricting the report to one listener and/or host (None: neither given).
    The values are checked (a listener name is an identifier, a host a host name) and quoted."""
    if listener is None and host is None:
        return None
    if not report.labelled:
        names = ", ".join(r.name for r in catalogue() if r.labelled)
        raise ValueError(f"report {report.name!r} has no listener/host columns; --listener/--host apply to: {names}")
    parts = []
    if listener is not None:
        parts.append(f"listener = {ids.sql_string(ids.check_identifier('--listener', listener))}")
    if host is not None:
        if not host.isascii() or not _HOST.fullmatch(host):
            raise ValueError(f"--host {host!r}: give a host name as the log names it (letters, digits, . - _)")
        parts.append(f"host = {ids.sql_string(host)}")
    return " and ".join(parts)


def statements(report: Report, settings: Settings, *, time_from: Optional[dt.datetime] = None,
               time_to: Optional[dt.datetime] = None, listener: Optional[str] = None,
               host: Optional[str] = None) -> list[str]:
    period = period_condition(report, time_from, time_to)
    labels = source_condition(report, listener, host)
    if labels is not None:
        period = labels if period == "1 = 1" else f"{period} and {labels}"
    return split_script(render_template(report.template, settings, period=period))
