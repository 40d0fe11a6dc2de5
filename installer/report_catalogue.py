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
The breakdown per host and listener is the report ``listener_hosts``; ``--per-source`` runs such a
report once per (host, listener) pair of the period's events (:func:`pairs_statement`,
:func:`pair_statements`).
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


def _refuse_unlabelled(report: Report, flags: str) -> None:
    if not report.labelled:
        names = ", ".join(r.name for r in catalogue() if r.labelled)
        raise ValueError(f"report {report.name!r} has no listener/host columns; {flags}: {names}")


def source_condition(report: Report, listener: Optional[str], host: Optional[str]) -> Optional[str]:
    """The WHERE condition restricting the report to one listener and/or host (None: neither given).
    The values are checked (a listener name is an identifier, a host a host name) and quoted."""
    if listener is None and host is None:
        return None
    _refuse_unlabelled(report, "--listener/--host apply to")
    parts = []
    if listener is not None:
        parts.append(f"listener = {ids.sql_string(ids.check_identifier('--listener', listener))}")
    if host is not None:
        if not host.isascii() or not _HOST.fullmatch(host):
            raise ValueError(f"--host {host!r}: give a host name as the log names it (letters, digits, . - _)")
        parts.append(f"host = {ids.sql_string(host)}")
    return " and ".join(parts)


def _and(period: str, condition: Optional[str]) -> str:
    if condition is None:
        return period
    return condition if period == "1 = 1" else f"{period} and {condition}"


def statements(report: Report, settings: Settings, *, time_from: Optional[dt.datetime] = None,
               time_to: Optional[dt.datetime] = None, listener: Optional[str] = None,
               host: Optional[str] = None) -> list[str]:
    period = _and(period_condition(report, time_from, time_to), source_condition(report, listener, host))
    return split_script(render_template(report.template, settings, period=period))


#: EVENTS as a report: the period of ``--per-source``'s pairs is on event_time
_EVENTS = Report("events", "", "", time_column="event_time", labelled=True)


def pairs_statement(report: Report, settings: Settings, *, time_from: Optional[dt.datetime] = None,
                    time_to: Optional[dt.datetime] = None, listener: Optional[str] = None,
                    host: Optional[str] = None) -> str:
    """The (host, listener) pairs of the events in the period (restricted by ``--listener/--host``),
    ordered by host (NULL host last), listener: the runs of ``report --per-source``. Refused
    (ValueError) for a report without listener/host columns."""
    _refuse_unlabelled(report, "--per-source applies to")
    period_condition(report, time_from, time_to)  # the report's own period must apply
    where = _and(period_condition(_EVENTS, time_from, time_to), source_condition(_EVENTS, listener, host))
    events = ids.quote_identifier(settings.object_name("EVENTS"))
    return (f"select distinct host, listener from {events} where {where} "
            "order by host nulls last, listener nulls last")


def pair_condition(host: Optional[str], listener: Optional[str]) -> str:
    """The WHERE condition of one (host, listener) pair as the events hold it: NULL is ``is null``,
    a value (text from the log, hence attacker-controlled) a quoted literal."""
    parts = []
    for column, value in (("host", host), ("listener", listener)):
        if value is None:
            parts.append(f"{column} is null")
        elif not isinstance(value, str) or "\0" in value or len(value.encode("utf-8")) > 4000:
            raise ValueError(f"{column} {value!r} of the events cannot be a report condition")
        else:
            parts.append(f"{column} = {ids.sql_string(value)}")
    return " and ".join(parts)


def pair_statements(report: Report, settings: Settings, host: Optional[str], listener: Optional[str], *,
                    time_from: Optional[dt.datetime] = None, time_to: Optional[dt.datetime] = None) -> list[str]:
    """The report's statements restricted to one (host, listener) pair (see pairs_statement)."""
    _refuse_unlabelled(report, "--per-source applies to")
    period = _and(period_condition(report, time_from, time_to), pair_condition(host, listener))
    return split_script(render_template(report.template, settings, period=period))
