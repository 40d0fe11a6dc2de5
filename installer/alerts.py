"""Alert rules on the embedded engine: what ALERT_PKG.evaluate would raise (``lsnrmine alerts --log``).

The same SQL as Oracle: the rule defaults come from ``views/alert_rule_defaults.sql``, each rule is
its view template (``views/alert_r*.sql``) and the grouping into episodes is
``views/alert_episodes.sql``, all translated by the dialect bridge. Only the last step, merging
the episodes into the alert store, is Python here (``merge_episodes``); it mirrors
``ALERT_PKG.merge_episodes`` statement for statement:

* the latest alert of the (rule, key) whose ``last_time + window >= episode.first_time`` is
  extended (first/last time, count added, severity raised, last event id), else
* a new alert is added.

A persisted store (``--state FILE``, JSON) plays the role of the LSNR_ALERTS table between runs,
so a burst split over two runs is one alert with the full count. A rule that fails on the engine
becomes a HEALTH alert naming it, as in the job.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional

from . import identifiers as ids
from .manifest import MANIFEST, DbObject
from .render import render_template
from .runner import split_script

if TYPE_CHECKING:  # pragma: no cover
    from .engine.session import OfflineEngine

SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
HEALTH_RULE = "HEALTH"
STATE_VERSION = 1
#: columns users may change in the rules table (``--rule-set RULE.column=value``)
EDITABLE_RULE_COLUMNS: tuple[str, ...] = ("enabled", "threshold", "window_minutes", "severity", "params")
EVIDENCE_DISPLAY_CHARS = 120
KEY_DISPLAY_CHARS = 60

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class AlertError(Exception):
    """A one-line problem with the alert input (state file, rule override)."""


def severity_rank(severity: Optional[str]) -> int:
    return SEVERITIES.index(severity) + 1 if severity in SEVERITIES else 1


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;"))


def escape_text(text: Optional[str], limit: int) -> str:
    """Control characters (C0, DEL, C1, line separators, bidi overrides) -> '?', HTML specials
    escaped, at most ``limit`` characters (an ellipsis marks a cut)."""
    if text is None:
        return ""
    escaped = _CONTROL.sub("?", text)
    for char, entity in _ENTITIES:  # the same replacements as views/alert_episodes.sql
        escaped = escaped.replace(char, entity)
    return escaped if len(escaped) <= limit else escaped[: limit - 3] + "..."


def short_evidence(evidence: Optional[str], limit: int = EVIDENCE_DISPLAY_CHARS) -> str:
    """Evidence is escaped by ALERT_EPISODES already; only control characters are re-checked
    (the store may come from a file) and the text is cut for display."""
    text = _CONTROL.sub("?", evidence or "")
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class Alert:
    alert_id: int
    rule_id: str
    severity: str
    alert_key: str
    first_time: dt.datetime
    last_time: dt.datetime
    cnt: int
    last_event_id: Optional[int]
    evidence: str
    status: str = "new"
    created_at: Optional[dt.datetime] = None
    updated_at: Optional[dt.datetime] = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("first_time", "last_time", "created_at", "updated_at"):
            value = data[name]
            data[name] = value.strftime(_TIME_FORMAT) if value else None
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Alert":
        values = dict(data)
        for name in ("first_time", "last_time", "created_at", "updated_at"):
            if values.get(name):
                values[name] = dt.datetime.strptime(values[name], _TIME_FORMAT)
        return cls(**values)


@dataclass
class AlertStore:
    alerts: list[Alert] = field(default_factory=list)

    def next_id(self) -> int:
        return max((a.alert_id for a in self.alerts), default=0) + 1

    @classmethod
    def load(cls, path: Optional[Path]) -> "AlertStore":
        if path is None or not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                raise AlertError(f"state file {path}: version {data.get('version')!r}, expected {STATE_VERSION}")
            return cls([Alert.from_json(item) for item in data["alerts"]])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AlertError(f"state file {path}: not a lsnrmine alert state ({exc}); give another --state file") from None

    def save(self, path: Path) -> None:
        data = {"version": STATE_VERSION, "alerts": [a.to_json() for a in self.alerts]}
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)


@dataclass
class Episode:
    rule_id: str
    alert_key: str
    severity: str
    first_time: dt.datetime
    last_time: dt.datetime
    cnt: int
    last_event_id: Optional[int]
    evidence: str
    window_minutes: float


def merge_episodes(store: AlertStore, episodes: Iterable[Episode], now: dt.datetime) -> list[Alert]:
    """Mirror of ALERT_PKG.merge_episodes; returns the alerts created or extended (in order)."""
    touched: list[Alert] = []
    for ep in sorted(episodes, key=lambda e: (e.rule_id, e.alert_key, e.first_time)):
        window = dt.timedelta(minutes=float(ep.window_minutes))
        matches = [a for a in store.alerts if a.rule_id == ep.rule_id and a.alert_key == ep.alert_key
                   and ep.first_time <= a.last_time + window]
        if matches:
            alert = max(matches, key=lambda a: a.alert_id)
            if severity_rank(ep.severity) > severity_rank(alert.severity):
                alert.severity = ep.severity
            alert.first_time = min(alert.first_time, ep.first_time)
            if ep.last_time >= alert.last_time:
                alert.last_event_id = ep.last_event_id
            alert.last_time = max(alert.last_time, ep.last_time)
            alert.cnt += ep.cnt
            alert.updated_at = now
        else:
            alert = Alert(store.next_id(), ep.rule_id, ep.severity, ep.alert_key, ep.first_time, ep.last_time,
                          ep.cnt, ep.last_event_id, ep.evidence, "new", now, now)
            store.alerts.append(alert)
        if alert not in touched:
            touched.append(alert)
    return touched


# -- the engine side ------------------------------------------------------------------------


def _manifest_object(logical: str) -> DbObject:
    for obj in MANIFEST:
        if obj.logical == logical:
            return obj
    raise KeyError(logical)


def _render(obj: DbObject, engine: "OfflineEngine") -> list[str]:
    name = obj.name(engine.settings)
    text = render_template(obj.deploy, engine.settings, name=ids.quote_identifier(name),
                           name_literal=ids.sql_string(name), kind=obj.object_type)
    return split_script(text)


def _quoted(engine: "OfflineEngine", logical: str) -> str:
    return ids.quote_identifier(engine.settings.object_name(logical))


def parse_rule_overrides(items: Iterable[str]) -> list[tuple[str, str, str]]:
    """``RULE.column=value`` -> (rule_id, column, value), validated."""
    out = []
    for item in items:
        match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\.([a-z_]+)=(.*)", item, re.DOTALL)
        if not match:
            raise AlertError(f"--rule-set {item!r}: use RULE.column=value, e.g. PASSWORD_FAILURES.threshold=5")
        rule, column, value = match.group(1).upper(), match.group(2).lower(), match.group(3)
        if column not in EDITABLE_RULE_COLUMNS:
            raise AlertError(f"--rule-set {item!r}: column must be one of {', '.join(EDITABLE_RULE_COLUMNS)}")
        if column == "severity" and value not in SEVERITIES:
            raise AlertError(f"--rule-set {item!r}: severity must be one of {', '.join(SEVERITIES)}")
        if column == "enabled" and value not in ("Y", "N"):
            raise AlertError(f"--rule-set {item!r}: enabled is Y or N")
        if column in ("threshold", "window_minutes"):
            try:
                number = float(value)
            except ValueError:
                raise AlertError(f"--rule-set {item!r}: {column} must be a number") from None
            if number < 0 or (column == "window_minutes" and number <= 0):
                raise AlertError(f"--rule-set {item!r}: {column} out of range")
        out.append((rule, column, value))
    return out


def prepare(engine: "OfflineEngine", store: AlertStore,
            overrides: Iterable[tuple[str, str, str]] = ()) -> None:
    """Create the engine's alert tables: rules (from the defaults view + overrides), the alert
    store's rows, an empty candidate table."""
    engine.ensure_events()
    rules, alerts, candidates = (_quoted(engine, n) for n in ("ALERT_RULES", "ALERTS", "ALERT_CANDIDATES"))
    defaults = _quoted(engine, "ALERT_RULE_DEFAULTS")
    con = engine.con
    # the same columns as tables/alert_rules.sql (state columns NULL: offline scans all events)
    con.execute(
        f"CREATE OR REPLACE TABLE {rules} AS SELECT rule_id, rule_no, rule_name, description, enabled, "
        f"CAST(threshold AS DOUBLE) AS threshold, CAST(window_minutes AS DOUBLE) AS window_minutes, severity, "
        f"CAST(params AS VARCHAR) AS params, CAST(view_name AS VARCHAR) AS view_name, "
        f"CAST(NULL AS TIMESTAMP) AS scan_from, CAST(NULL AS BIGINT) AS last_event_id FROM {defaults}")
    known = {row[0] for row in con.execute(f"SELECT rule_id FROM {rules}").fetchall()}
    for rule, column, value in overrides:
        if rule not in known:
            raise AlertError(f"--rule-set: no rule {rule}; rules: {', '.join(sorted(known))}")
        con.execute(f"UPDATE {rules} SET {column} = ? WHERE rule_id = ?",
                    [float(value) if column in ("threshold", "window_minutes") else value, rule])
    con.execute(
        f"CREATE OR REPLACE TABLE {alerts} (alert_id BIGINT, rule_id VARCHAR, severity VARCHAR, alert_key VARCHAR, "
        "first_time TIMESTAMP, last_time TIMESTAMP, cnt BIGINT, last_event_id BIGINT, evidence VARCHAR, "
        "status VARCHAR)")
    if store.alerts:
        con.executemany(f"INSERT INTO {alerts} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [[a.alert_id, a.rule_id, a.severity, a.alert_key, a.first_time, a.last_time, a.cnt,
                          a.last_event_id, a.evidence, a.status] for a in store.alerts])
    con.execute(
        f"CREATE OR REPLACE TABLE {candidates} (rule_id VARCHAR, severity VARCHAR, alert_key VARCHAR, "
        "event_id BIGINT, event_time TIMESTAMP, evidence VARCHAR)")


@dataclass
class RunResult:
    touched: list[Alert]
    failed_rules: list[str]
    candidates: dict[str, int]


def evaluate(engine: "OfflineEngine", store: AlertStore, *, now: Optional[dt.datetime] = None,
             overrides: Iterable[tuple[str, str, str]] = ()) -> RunResult:
    """One evaluation run over the loaded log (all its events), merged into ``store``."""
    import duckdb

    from .engine.session import EngineError

    now = now or dt.datetime.now().replace(microsecond=0)
    prepare(engine, store, overrides)
    rules, candidates = _quoted(engine, "ALERT_RULES"), _quoted(engine, "ALERT_CANDIDATES")
    by_name = {o.name(engine.settings): o for o in MANIFEST if o.object_type == "VIEW"}
    failed: list[str] = []
    counts: dict[str, int] = {}
    for rule_id, view_name in engine.con.execute(
            f"SELECT rule_id, view_name FROM {rules} WHERE enabled = 'Y' AND view_name IS NOT NULL "
            "ORDER BY rule_no, rule_id").fetchall():
        try:
            obj = by_name.get(view_name)
            if obj is None:
                raise EngineError(f"no view template for {view_name}")
            for statement in _render(obj, engine):
                engine.execute_oracle(statement, what=f"view {view_name}")
            select = engine.translate(
                "select rule_id, severity, substr(alert_key, 1, 400), event_id, event_time, substr(evidence, 1, 4000) "
                f"from {ids.quote_identifier(view_name)} "
                f"where rule_id = {ids.sql_string(rule_id)} and event_time is not null and alert_key is not null")
            before = engine.con.execute(f"SELECT count(*) FROM {candidates}").fetchone()[0]
            engine.con.execute(f"INSERT INTO {candidates} {select}")
            counts[rule_id] = engine.con.execute(f"SELECT count(*) FROM {candidates}").fetchone()[0] - before
        except (EngineError, duckdb.Error) as exc:
            # as in the job: a failing rule is a HEALTH alert naming it, the others go on
            failed.append(rule_id)
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            engine.con.execute(f"INSERT INTO {candidates} VALUES (?, 'high', ?, 0, ?, ?)",
                               [HEALTH_RULE, rule_id, now, f"rule {rule_id} failed: {message}"[:4000]])
    for statement in _render(_manifest_object("ALERT_EPISODES"), engine):
        engine.execute_oracle(statement, what="view ALERT_EPISODES")
    result = engine.query(
        "select rule_id, alert_key, severity, first_time, last_time, cnt, last_event_id, evidence, window_minutes "
        f"from {_quoted(engine, 'ALERT_EPISODES')} order by rule_id, alert_key, first_time")
    episodes = [Episode(r[0], r[1], r[2], r[3], r[4], int(r[5]), None if r[6] is None else int(r[6]), r[7] or "",
                        float(r[8])) for r in result.rows]
    touched = merge_episodes(store, episodes, now)
    return RunResult(touched, failed, counts)


DISPLAY_COLUMNS: tuple[str, ...] = ("ALERT_ID", "RULE", "SEVERITY", "KEY", "COUNT", "FIRST_TIME", "LAST_TIME",
                                    "STATUS", "EVIDENCE")


def display_rows(alerts: Iterable[Alert]) -> list[tuple[Any, ...]]:
    return [(a.alert_id, a.rule_id, a.severity, escape_text(a.alert_key, KEY_DISPLAY_CHARS), a.cnt, a.first_time,
             a.last_time, a.status, short_evidence(a.evidence)) for a in alerts]
