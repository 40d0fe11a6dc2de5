"""The HTML dashboard (``lsnrmine report --html OUT.html``): one self-contained file.

Rendered from query results of the report catalogue (the same SQL as ``lsnrmine report NAME``).
No templating engine: every piece of text goes through :func:`esc` (``html.escape`` with
``quote=True``), values from the log included -- the log is attacker-controlled. No script at all,
no external resource: CSS inline, charts drawn here as inline SVG. Nothing from the log can execute
and the file works offline (README, "The HTML dashboard").
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

from . import __version__
from . import identifiers as ids
from . import report_catalogue
from .output import display_text

TOP_N = 10
MAX_ALERTS = 200  # most alerts listed on the page (latest first)

#: report name -> title of the top-N tables, in page order
TOP_TABLES: tuple[tuple[str, str], ...] = (
    ("top_client_ips", "Top client IPs"),
    ("top_client_hosts", "Top client hosts"),
    ("top_programs", "Top programs"),
    ("top_os_users", "Top OS users"),
    ("top_services", "Top services"),
    ("failure_ratio_service", "Failure ratio per service"),
)

ALERT_COLUMNS = ("rule", "severity", "first_event_time", "last_event_time", "key", "count", "status", "evidence")

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
th{background:#eef1f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.fail{color:#b42318}.empty{color:#57606a;font-style:italic}
svg{background:#fff;border:1px solid #d0d7de;border-radius:6px}
.sev-high,.sev-critical{color:#b42318;font-weight:bold}
"""


def esc(value: Any) -> str:
    """Any value as HTML text: html.escape(quote=True) of its display form; None is empty."""
    return html.escape(display_text(value), quote=True)


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[Any, ...]]


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
    alerts: list[Mapping[str, Any]] = field(default_factory=list)
    time_from: Optional[dt.datetime] = None
    time_to: Optional[dt.datetime] = None


def collect(run_report: Callable[[str], Table], scalar: Callable[[str], Any], *, sources: Sequence[str], lines: int,
            events_table: str, alerts: Optional[Sequence[Mapping[str, Any]]] = None,
            time_from: Optional[dt.datetime] = None, time_to: Optional[dt.datetime] = None) -> DashboardData:
    """Query everything the page shows. ``run_report(name)`` runs a catalogue report (time range
    applied); ``scalar(sql)`` one Oracle-dialect query returning a row of values."""
    per_hour = run_report("connections_per_hour")
    connections = sum(int(r[1] or 0) for r in per_hour.rows)
    failures = sum(int(r[2] or 0) for r in per_hour.rows)
    events, start, end = scalar(f"select count(*), min(event_time), max(event_time) from {events_table}")
    return DashboardData(
        sources=list(sources), lines=lines, events=int(events or 0), connections=connections, failures=failures,
        period_start=start, period_end=end, per_hour=per_hour,
        tops={name: run_report(name) for name, _ in TOP_TABLES}, tns_errors=run_report("tns_errors"),
        alerts=list(alerts or []), time_from=time_from, time_to=time_to,
    )


def report_names() -> list[str]:
    """The catalogue reports the page shows."""
    return ["connections_per_hour", "tns_errors"] + [name for name, _ in TOP_TABLES]


def report_scripts(settings: Any, time_from: Optional[dt.datetime] = None,
                   time_to: Optional[dt.datetime] = None) -> dict[str, str]:
    """name -> the rendered report statement (the text `lsnrmine report NAME` runs, period applied)."""
    return {name: report_catalogue.statements(report_catalogue.find(name), settings, time_from=time_from,
                                              time_to=time_to)[0]
            for name in report_names()}


def gather(query: Callable[[str], tuple[Sequence[str], Sequence[Sequence[Any]]]], settings: Any, *,
           sources: Sequence[str], lines: int, alerts: Optional[Sequence[Mapping[str, Any]]] = None,
           time_from: Optional[dt.datetime] = None, time_to: Optional[dt.datetime] = None) -> DashboardData:
    """Everything the page shows through one ``query(sql) -> (columns, rows)`` callable: the
    embedded engine or a database connection (lsnrmine.report_rows), the same statements."""
    scripts = report_scripts(settings, time_from, time_to)

    def run_report(name: str) -> Table:
        columns, rows = query(scripts[name])
        return Table(list(columns), [tuple(r) for r in rows])

    def scalar(sql: str) -> Any:
        return query(sql)[1][0]

    return collect(run_report, scalar, sources=sources, lines=lines,
                   events_table=ids.quote_identifier(settings.object_name("EVENTS")),
                   alerts=alerts, time_from=time_from, time_to=time_to)


def alert_entry(rule: Any, severity: Any, first_time: Any, last_time: Any, key: Any, count: Any, status: Any,
                evidence: Any) -> dict[str, Any]:
    """One alert for the page. The stored evidence is HTML-escaped already (ALERT_EPISODES);
    it is unescaped here because the page escapes every value once (:func:`esc`)."""
    return {"rule": rule, "severity": severity, "first_event_time": first_time, "last_event_time": last_time,
            "key": key, "count": count, "status": status,
            "evidence": html.unescape(evidence) if isinstance(evidence, str) else evidence}


def _table(table: Table, limit: Optional[int] = TOP_N) -> str:
    if not table.rows:
        return '<p class="empty">no rows</p>'
    rows = table.rows if limit is None else table.rows[:limit]
    head = "".join(f"<th>{esc(c.lower())}</th>" for c in table.columns)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="n">{esc(v)}</td>' if isinstance(v, (int, float)) and not isinstance(v, bool) else f"<td>{esc(v)}</td>"
            for v in row)
        body.append(f"<tr>{cells}</tr>")
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
        cells = "".join(
            f'<td class="sev-{esc(severity)}">{esc(alert.get(c))}</td>' if c == "severity" else f"<td>{esc(alert.get(c))}</td>"
            for c in ALERT_COLUMNS)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def render(data: DashboardData, *, generated: Optional[dt.datetime] = None) -> str:
    generated = generated or dt.datetime.now().replace(microsecond=0)
    ratio = f"{100 * data.failures / data.connections:.1f} %" if data.connections else "-"
    wanted = ""
    if data.time_from or data.time_to:
        wanted = f" (range asked: {esc(data.time_from or '...')} to {esc(data.time_to or '...')})"
    cards = [("log lines", data.lines), ("events", data.events), ("connection requests", data.connections),
             ("failed requests", data.failures), ("failure ratio", ratio), ("alerts", len(data.alerts))]
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
    out.append('<h2 id="per-hour">Connection requests per hour</h2>')
    out.append(hour_chart(data.per_hour))
    if data.alerts:
        out.append(f'<h2 id="alerts">Alerts ({esc(len(data.alerts))})</h2>')
        out.append(_alerts(data.alerts))
    out.append('<h2 id="tns-errors">TNS errors</h2>')
    out.append(_table(data.tns_errors, limit=None))
    out.append('<div class="grid">')
    for name, title in TOP_TABLES:
        out.append(f'<section id="{esc(name)}"><h2>{esc(title)}</h2>{_table(data.tops[name])}</section>')
    out.append("</div>")
    out.append(f'<p class="meta">Source: {esc(", ".join(data.sources) or "-")}; period {esc(data.period_start)} to '
               f"{esc(data.period_end)}. Every value comes from the log and is shown as text.</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
