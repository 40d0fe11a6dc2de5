"""The HTML dashboard (``lsnrmine report --html OUT.html``): one self-contained file.

Rendered from query results of the report catalogue (the same SQL as ``lsnrmine report NAME``).
No templating engine: every piece of text goes through :func:`esc` (:func:`visible`, then
``html.escape`` with ``quote=True``), values from the log included -- the log is
attacker-controlled. No script at all, no external resource: CSS inline, charts drawn here as
inline SVG. Nothing from the log can execute and the file works offline (README, "The HTML
dashboard").

What the page leads with: the alerts, most severe first and the most recent first within a
severity, every critical and high alert listed, the others up to :data:`MAX_ALERTS` rows, the true
total in the summary card and one line per rule and severity. A value longer than
:data:`CLIP_CHARS` is clipped in its cell, the whole text in a ``<details>`` element under it. A
log without connection requests (only service registrations, status commands...) says so and
shows what it has instead of empty tables.
"""

from __future__ import annotations

import datetime as dt
import errno
import html
import ipaddress
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

from . import __version__
from . import identifiers as ids
from . import report_catalogue
from .alerts import severity_rank
from .errors import UserError
from .output import display_text, visible

TOP_N = 10
#: rows of the alert list at most, unless there are more critical and high alerts: those are all listed
MAX_ALERTS = 200
#: the lowest severity that is always listed (critical and high)
ALWAYS_LISTED = "high"
#: critical and high alerts listed at most: a scanned internet-facing listener raises one high
#: NEW_CLIENT_IP alert per address, and a page of tens of thousands of rows helps nobody (the card
#: keeps the true total; `lsnrmine alerts --format csv` lists them all)
MAX_URGENT_ALERTS = 2000
#: a cell's text longer than this (characters as shown) is clipped; the whole text is in <details>
CLIP_CHARS = 80
EVIDENCE_CLIP_CHARS = 160

#: report name -> title of the top-N tables, in page order
TOP_TABLES: tuple[tuple[str, str], ...] = (
    ("top_client_ips", "Top client IPs"),
    ("top_client_hosts", "Top client hosts"),
    ("top_programs", "Top programs"),
    ("top_os_users", "Top OS users"),
    ("top_services", "Top services"),
    ("failure_ratio_service", "Failure ratio per service"),
)
#: what the page shows of a log without connection requests, in page order
QUIET_TABLES: tuple[tuple[str, str], ...] = (
    ("service_timeline", "Service registrations per hour"),
    ("listener_commands", "Listener commands"),
)

#: the breakdown per host and listener (RAC nodes, SCAN listeners), shown on every page
BREAKDOWN_REPORT = "listener_hosts"

ALERT_COLUMNS = ("rule", "severity", "first_event_time", "last_event_time", "key", "listener", "host", "count", "status",
                 "evidence")
SUMMARY_COLUMNS = ("rule", "severity", "alerts", "events", "first_event_time", "last_event_time")

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#1d2733;background:#f6f8fa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#57606a;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:22px}.card span{font-size:12px;color:#57606a}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:16px}
table{border-collapse:collapse;background:#fff;font-size:13px;width:100%}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}td{overflow-wrap:anywhere}th{white-space:nowrap}
td.nw{white-space:nowrap;overflow-wrap:normal}td.w{overflow-wrap:break-word}
th{background:#eef1f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
summary{cursor:pointer}.more{color:#57606a;font-size:11px;white-space:nowrap}
.full{margin-top:4px;padding-top:4px;border-top:1px dashed #d0d7de}
.fail{color:#b42318}.empty{color:#57606a;font-style:italic}
.notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:10px 16px;margin-top:16px}
svg{background:#fff;border:1px solid #d0d7de;border-radius:6px}
.sev-high,.sev-critical{color:#b42318;font-weight:bold}
"""

def esc(value: Any) -> str:
    """Any value as HTML text: its display form made visible (:func:`visible`), then
    html.escape(quote=True); None is empty."""
    return html.escape(visible(display_text(value)), quote=True)


def clipped(value: Any, limit: int = CLIP_CHARS) -> str:
    """A value as HTML text of at most ``limit`` characters as shown; a longer one is clipped, with
    the whole text (escaped the same way) in a ``<details>`` element that opens without script."""
    shown = visible(display_text(value))
    if len(shown) <= limit:
        return html.escape(shown, quote=True)
    head, used = [], 0
    for ch in display_text(value):  # cut between characters, never inside an escape
        piece = visible(ch)
        if used + len(piece) > limit:
            break
        head.append(piece)
        used += len(piece)
    return (f'<details><summary>{html.escape("".join(head), quote=True)}&hellip; '
            f'<span class="more">[{len(shown):,} characters]</span></summary>'
            f'<div class="full">{html.escape(shown, quote=True)}</div></details>')


def _is_ip(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 45:
        return False
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def cell(value: Any, *, nowrap: bool = False, limit: int = CLIP_CHARS, css: str = "") -> str:
    """One ``<td>``: numbers right-aligned; rule names, severities, IP addresses and times on one
    line (``nowrap``, or detected); other text may wrap anywhere and is clipped at ``limit``."""
    classes = [css] if css else []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        classes.append("n")
    if nowrap or isinstance(value, dt.datetime) or _is_ip(value):
        classes.append("nw")
    attr = f' class="{esc(" ".join(classes))}"' if classes else ""
    return f"<td{attr}>{clipped(value, limit)}</td>"


def _count(value: int) -> str:
    return f"{value:,}"


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class RuleSummary:
    """The alerts of one rule at one severity: how many, their events, the first and last event."""
    rule: Any
    severity: Any
    alerts: int
    events: int
    first_time: Optional[dt.datetime]
    last_time: Optional[dt.datetime]


@dataclass
class DashboardData:
    sources: list[str]
    lines: int
    events: int
    connections: int
    failures: int
    period_start: Optional[dt.datetime]
    period_end: Optional[dt.datetime]
    per_hour: Table
    tops: dict[str, Table]
    tns_errors: Table
    #: the alerts the page may list (all of them, or at least every critical and high one and the
    #: most recent others up to MAX_ALERTS); the page orders and caps them (:func:`listed_alerts`)
    alerts: list[Mapping[str, Any]] = field(default_factory=list)
    time_from: Optional[dt.datetime] = None
    time_to: Optional[dt.datetime] = None
    #: per rule and severity over ALL alerts of the period; None: summarised from ``alerts``
    alert_summary: Optional[list[RuleSummary]] = None
    #: events per kind (kind, events, first, last) and QUIET_TABLES: only for a log without connections
    event_kinds: Optional[Table] = None
    quiet: dict[str, Table] = field(default_factory=dict)
    #: events, connections and failures per host and listener (report listener_hosts)
    breakdown: Optional[Table] = None


def report_names() -> list[str]:
    """The catalogue reports the page shows."""
    return (["connections_per_hour", "tns_errors", BREAKDOWN_REPORT] + [name for name, _ in TOP_TABLES]
            + [name for name, _ in QUIET_TABLES])


def report_scripts(settings: Any, time_from: Optional[dt.datetime] = None,
                   time_to: Optional[dt.datetime] = None) -> dict[str, str]:
    """name -> the rendered report statement (the text `lsnrmine report NAME` runs, period applied)."""
    return {name: report_catalogue.statements(report_catalogue.find(name), settings, time_from=time_from,
                                              time_to=time_to)[0]
            for name in report_names()}


_EVENTS_TIME = report_catalogue.Report("events", "events of the period", "", "event_time")


def event_kinds_sql(events_table: str, time_from: Optional[dt.datetime] = None,
                    time_to: Optional[dt.datetime] = None) -> str:
    """Events per kind in the period (Oracle dialect; the period as the reports write it)."""
    return (f"select event_kind, count(*) events, min(event_time) first_time, max(event_time) last_time "
            f"from {events_table} where {report_catalogue.period_condition(_EVENTS_TIME, time_from, time_to)} "
            f"group by event_kind order by count(*) desc, event_kind")


def gather(query: Callable[[str], tuple[Sequence[str], Sequence[Sequence[Any]]]], settings: Any, *,
           sources: Sequence[str], lines: int, alerts: Optional[Sequence[Mapping[str, Any]]] = None,
           alert_summary: Optional[Sequence[RuleSummary]] = None,
           time_from: Optional[dt.datetime] = None, time_to: Optional[dt.datetime] = None) -> DashboardData:
    """Everything the page shows through one ``query(sql) -> (columns, rows)`` callable: the
    embedded engine or a database connection (lsnrmine.report_rows), the same statements."""
    scripts = report_scripts(settings, time_from, time_to)
    events_table = ids.quote_identifier(settings.object_name("EVENTS"))

    def run_report(name: str) -> Table:
        columns, rows = query(scripts[name])
        return Table(list(columns), [tuple(r) for r in rows])

    per_hour = run_report("connections_per_hour")
    connections = sum(int(r[1] or 0) for r in per_hour.rows)
    failures = sum(int(r[2] or 0) for r in per_hour.rows)
    events, start, end = query(f"select count(*), min(event_time), max(event_time) from {events_table}")[1][0]
    event_kinds, quiet = None, {}
    if not connections:
        columns, rows = query(event_kinds_sql(events_table, time_from, time_to))
        event_kinds = Table(list(columns), [tuple(r) for r in rows])
        quiet = {name: run_report(name) for name, _ in QUIET_TABLES}
    return DashboardData(
        sources=list(sources), lines=lines, events=int(events or 0), connections=connections, failures=failures,
        period_start=start, period_end=end, per_hour=per_hour,
        tops={name: run_report(name) for name, _ in TOP_TABLES} if connections else {},
        tns_errors=run_report("tns_errors"), alerts=list(alerts or []), time_from=time_from, time_to=time_to,
        alert_summary=None if alert_summary is None else list(alert_summary), event_kinds=event_kinds, quiet=quiet,
        breakdown=run_report(BREAKDOWN_REPORT),
    )


def alert_entry(rule: Any, severity: Any, first_time: Any, last_time: Any, key: Any, count: Any, status: Any,
                evidence: Any, listener: Any = None, host: Any = None) -> dict[str, Any]:
    """One alert for the page; key, listener, host and evidence as the log has them (the page
    escapes every value once, :func:`esc`)."""
    return {"rule": rule, "severity": severity, "first_event_time": first_time, "last_event_time": last_time,
            "key": key, "listener": listener, "host": host, "count": count, "status": status, "evidence": evidence}


def _rank(alert: Mapping[str, Any]) -> int:
    return severity_rank(alert.get("severity"))


def _time(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.min


def by_priority(alerts: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Most severe first; within a severity the most recent (last event) first; ties keep their
    order (the callers give the latest alert id first)."""
    ordered = sorted(alerts, key=lambda a: _time(a.get("last_event_time")), reverse=True)
    ordered.sort(key=_rank, reverse=True)  # stable: the time order holds within a severity
    return ordered


def listed_alerts(alerts: Sequence[Mapping[str, Any]], limit: int = MAX_ALERTS,
                  urgent_limit: int = MAX_URGENT_ALERTS) -> list[Mapping[str, Any]]:
    """The alert list of the page: every alert of severity ALWAYS_LISTED or above (the first
    ``urgent_limit`` of them in priority order), then the others in priority order while the list
    has fewer than ``limit`` rows."""
    ordered = by_priority(alerts)
    floor = severity_rank(ALWAYS_LISTED)
    urgent = [a for a in ordered if _rank(a) >= floor][:urgent_limit]
    others = [a for a in ordered if _rank(a) < floor]
    return urgent + others[:max(0, limit - len(urgent))]


def summarize(alerts: Sequence[Mapping[str, Any]]) -> list[RuleSummary]:
    """One line per (rule, severity): alerts, events (sum of the counts), first and last event."""
    groups: dict[tuple[Any, Any], list[Mapping[str, Any]]] = {}
    for alert in alerts:
        groups.setdefault((alert.get("rule"), alert.get("severity")), []).append(alert)
    out = []
    for (rule, severity), members in groups.items():
        firsts = [a.get("first_event_time") for a in members if isinstance(a.get("first_event_time"), dt.datetime)]
        lasts = [a.get("last_event_time") for a in members if isinstance(a.get("last_event_time"), dt.datetime)]
        out.append(RuleSummary(rule, severity, len(members), sum(int(a.get("count") or 0) for a in members),
                               min(firsts) if firsts else None, max(lasts) if lasts else None))
    return sort_summary(out)


def sort_summary(rows: Sequence[RuleSummary]) -> list[RuleSummary]:
    """Most severe first, then most alerts, then rule name."""
    return sorted(rows, key=lambda r: (-severity_rank(r.severity), -r.alerts, display_text(r.rule)))


def check_output(target: str) -> None:
    """Before any work: ``target`` (the --html argument) can be written as the dashboard file (its
    folder exists and takes a new file; an existing file opens for writing; not a folder, nor a
    name ending in a slash). UserError in one line otherwise."""
    path = Path(target)
    shown = visible(target)
    if target.endswith(("/", os.sep)) or path.is_dir():
        example = visible(str(path / "dashboard.html"))
        raise UserError(f"--html {shown}: is a directory; give a file name, e.g. {example}")
    parent = path.parent
    if not parent.exists():
        raise UserError(f"--html {shown}: the directory {visible(str(parent))} does not exist; create it or "
                        "choose another path")
    if not parent.is_dir():
        raise UserError(f"--html {shown}: {visible(str(parent))} is not a directory")
    if path.exists():  # never opened here: a FIFO would block, a file must stay as it is
        if not os.access(path, os.W_OK):
            raise UserError(f"--html {shown}: cannot write {shown} (Permission denied); choose a writable path")
        return
    try:  # a probe file proves the folder takes a new file (root too: read-only mounts, sysfs)
        handle, probe = tempfile.mkstemp(prefix=".lsnrmine-", suffix=".probe", dir=parent)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or errno.errorcode.get(exc.errno or 0, "error")
        raise UserError(f"--html {shown}: cannot write a file in {visible(str(parent))} ({reason}); "
                        "choose a writable path") from None


def _table(table: Table, limit: Optional[int] = TOP_N) -> str:
    if not table.rows:
        return '<p class="empty">no rows</p>'
    rows = table.rows if limit is None else table.rows[:limit]
    head = "".join(f"<th>{esc(c.lower())}</th>" for c in table.columns)
    body = ["<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows]
    more = f'<p class="meta">{esc(len(table.rows) - len(rows))} more rows: lsnrmine report ... --format csv</p>' \
        if len(rows) < len(table.rows) else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def hour_chart(per_hour: Table, width: int = 1100, height: int = 260) -> str:
    """Connection requests per hour as SVG bars, failures stacked in red; drawn here, no script."""
    rows = [(r[0], int(r[1] or 0), int(r[2] or 0)) for r in per_hour.rows]
    if not rows:
        return '<p class="empty">no connection requests in the period</p>'
    left, bottom, top = 48, 40, 16
    plot_w, plot_h = width - left - 12, height - bottom - top
    peak = max(c for _, c, _ in rows) or 1
    step = plot_w / len(rows)
    bar = max(step * 0.8, 1.0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="connection requests per hour">',
             f"<title>Connection requests per hour ({esc(len(rows))} hours, peak {esc(peak)})</title>",
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 12}" y2="{top + plot_h}" stroke="#57606a"/>',
             f'<text x="{left - 6}" y="{top + 10}" font-size="11" text-anchor="end">{esc(peak)}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" font-size="11" text-anchor="end">0</text>']
    label_every = max(1, len(rows) // 12)
    for i, (hour, count, failed) in enumerate(rows):
        x = left + i * step + (step - bar) / 2
        h_all = plot_h * count / peak
        h_fail = plot_h * failed / peak
        y = top + plot_h - h_all
        parts.append(f'<rect class="ok" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h_all - h_fail:.1f}" fill="#2f81f7">'
                     f"<title>{esc(hour)}: {esc(count)} requests, {esc(failed)} failed</title></rect>")
        if failed:
            parts.append(f'<rect class="failed" x="{x:.1f}" y="{top + plot_h - h_fail:.1f}" width="{bar:.1f}" '
                         f'height="{h_fail:.1f}" fill="#d1242f"/>')
        if i % label_every == 0:
            label = hour.strftime("%m-%d %H:00") if isinstance(hour, dt.datetime) else display_text(hour)
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 14}" font-size="10" '
                         f'text-anchor="middle">{esc(label)}</text>')
    parts.append(f'<rect x="{left}" y="{height - 14}" width="10" height="10" fill="#2f81f7"/>'
                 f'<text x="{left + 14}" y="{height - 5}" font-size="11">succeeded</text>'
                 f'<rect x="{left + 90}" y="{height - 14}" width="10" height="10" fill="#d1242f"/>'
                 f'<text x="{left + 104}" y="{height - 5}" font-size="11">failed</text>')
    parts.append("</svg>")
    return "".join(parts)


def _alerts(alerts: Sequence[Mapping[str, Any]]) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in ALERT_COLUMNS)
    rows = []
    for alert in alerts:
        severity = display_text(alert.get("severity")).lower()
        cells = []
        for column in ALERT_COLUMNS:
            value = alert.get(column)
            if column == "severity":
                cells.append(cell(value, nowrap=True, css=f"sev-{severity}"))
            elif column == "rule":
                cells.append(cell(value, nowrap=True))
            elif column == "key":  # user@host keys break only where a whole word does not fit
                cells.append(cell(value, css="w"))
            else:
                cells.append(cell(value, limit=EVIDENCE_CLIP_CHARS if column == "evidence" else CLIP_CHARS))
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _summary(rows: Sequence[RuleSummary]) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in SUMMARY_COLUMNS)
    body = []
    for row in rows:
        severity = display_text(row.severity).lower()
        body.append("<tr>" + cell(row.rule, nowrap=True) + cell(row.severity, nowrap=True, css=f"sev-{severity}")
                    + cell(row.alerts) + cell(row.events) + cell(row.first_time) + cell(row.last_time) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _alert_sections(data: DashboardData) -> tuple[str, list[str]]:
    """The alerts card's label and the page's alert sections (per-rule summary, then the list)."""
    summary = summarize(data.alerts) if data.alert_summary is None else sort_summary(data.alert_summary)
    total = sum(r.alerts for r in summary)
    listed = listed_alerts(data.alerts)
    label = "alerts" if len(listed) >= total else f"alerts, {_count(len(listed))} shown"
    if not total:
        return label, []
    out = [f'<h2 id="alert-rules">Alerts by rule ({esc(_count(total))} alerts)</h2>', _summary(summary)]
    if len(listed) < total:
        title = (f"Alerts ({esc(_count(total))}, {esc(_count(len(listed)))} shown: every critical and high alert, "
                 f"then the most recent others)")
        more = (f'<p class="meta">{esc(_count(total - len(listed)))} lower-severity alerts not listed: '
                "lsnrmine alerts --log ... --format csv lists them all.</p>")
    else:
        title, more = f"Alerts ({esc(_count(total))})", ""
    out += [f'<h2 id="alerts">{title}</h2>', _alerts(listed), more]
    return label, out


def _quiet_sections(data: DashboardData) -> list[str]:
    """A log without connection requests: a notice saying so, what events it has, and its service
    registrations and listener commands instead of empty connection tables."""
    period = " in the period" if data.time_from or data.time_to else ""
    kinds = data.event_kinds.rows if data.event_kinds else []
    if data.events and not kinds and period:
        return [f'<p class="notice" id="no-connections">No events in the period asked; the events run from '
                f"{esc(data.period_start)} to {esc(data.period_end)}.</p>"]
    if not any(first is not None for _, _, first, *_ in kinds):
        # no event, or only undated lines (banners, error lines before the first dated record)
        return [f'<p class="notice" id="no-connections">No listener events: {esc(_count(data.lines))} '
                "log lines read, none of them a dated listener record (is the log's date language "
                "(--date-language) or encoding (--encoding) right?).</p>"]
    listing = ", ".join(f"{display_text(kind)} {_count(int(n or 0))}" for kind, n, *_ in kinds)
    out = [f'<p class="notice" id="no-connections">No connection requests{period}; the events are: '
           f"{esc(listing)}.</p>",
           '<h2 id="event-kinds">Events by kind</h2>', _table(data.event_kinds, limit=None)]
    for name, title in QUIET_TABLES:
        table = data.quiet.get(name)
        if table is not None:
            out.append(f'<h2 id="{esc(name)}">{esc(title)}</h2>{_table(table, limit=50)}')
    return out


def render(data: DashboardData, *, generated: Optional[dt.datetime] = None) -> str:
    generated = generated or dt.datetime.now().replace(microsecond=0)
    ratio = f"{100 * data.failures / data.connections:.1f} %" if data.connections else "-"
    wanted = ""
    if data.time_from or data.time_to:
        wanted = f" (range asked: {esc(data.time_from or '...')} to {esc(data.time_to or '...')})"
    alert_label, alert_sections = _alert_sections(data)
    alert_total = sum(r.alerts for r in (summarize(data.alerts) if data.alert_summary is None
                                         else data.alert_summary))
    cards = [("log lines", _count(data.lines)), ("events", _count(data.events)),
             ("connection requests", _count(data.connections)), ("failed requests", _count(data.failures)),
             ("failure ratio", ratio), (alert_label, _count(alert_total))]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           # no network, no script: the policy forbids both even if something slipped through escaping
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>lsnrmine listener log dashboard</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>Listener log dashboard</h1>",
           f'<p class="meta">Period {esc(data.period_start)} to {esc(data.period_end)}{wanted} &middot; '
           f"source {esc(', '.join(data.sources) or '-')} &middot; generated {esc(generated)} by lsnrmine {esc(__version__)}</p>",
           '<div class="cards" id="summary">']
    out += [f"<div class=\"card\"><b>{esc(v)}</b><span>{esc(k)}</span></div>" for k, v in cards]
    out.append("</div>")
    if not data.connections:
        out += _quiet_sections(data)
    out += alert_sections
    if data.connections:
        out.append('<h2 id="per-hour">Connection requests per hour</h2>')
        out.append(hour_chart(data.per_hour))
    if data.breakdown is not None:
        out.append('<h2 id="listener-hosts">Per host and listener</h2>')
        out.append(_table(data.breakdown, limit=None))
    out.append('<h2 id="tns-errors">TNS errors</h2>')
    out.append(_table(data.tns_errors, limit=None))
    if data.connections:
        out.append('<div class="grid">')
        for name, title in TOP_TABLES:
            out.append(f'<section id="{esc(name)}"><h2>{esc(title)}</h2>{_table(data.tops[name])}</section>')
        out.append("</div>")
    out.append(f'<p class="meta">Source: {esc(", ".join(data.sources) or "-")}; period {esc(data.period_start)} to '
               f"{esc(data.period_end)}. Every value comes from the log and is shown as text; control and "
               "format characters as \\xNN / \\uNNNN escapes, long values clipped (click to see all).</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
