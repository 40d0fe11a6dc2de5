"""Alert rules on the embedded engine: what ALERT_PKG.evaluate would raise (``lsnrmine alerts --log``).

The same SQL as Oracle: the rule defaults come from ``views/alert_rule_defaults.sql``, each rule is
its view template (``views/alert_r*.sql``) and the grouping into episodes is
``views/alert_episodes.sql``, all translated by the dialect bridge. Only the last step, merging
the episodes into the alert store, is Python here (``merge_episodes``); it mirrors
``ALERT_PKG.merge_episodes`` statement for statement:

* the latest alert of the (rule, key, listener, host) whose ``last_time + window >=
  episode.first_time`` is extended (first/last time, count added, severity raised, last event
  id), else
* a new alert is added.

Episodes, and so alerts, are per listener and host (the events' columns): one listener's storm
or password failures never extend another's alert, and every alert names its listener and host.

A persisted store (``--state FILE``, JSON) plays the role of the LSNR_ALERTS table between runs,
so a burst split over two runs is one alert with the full count. A rule that fails on the engine
becomes a HEALTH alert naming it, as in the job.

The byte limits of the Oracle columns hold here too (:func:`fit_bytes`, the twin of
``ALERT_PKG.fit_bytes``; :func:`one_line` and :func:`log_text` likewise): a key is cut to 400
bytes and a candidate's evidence to 4000 when a rule's rows are copied, an alert's evidence to
1000 when it is stored, and an episode the store cannot take (a limit the view did not respect)
is skipped and recorded as a HEALTH alert, as the job does.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional

from . import db
from . import identifiers as ids
from . import manifest
from .manifest import MANIFEST, DbObject
from .engine import reading
from .runner import split_script
from .templates import render_template

if TYPE_CHECKING:  # pragma: no cover
    from .engine.session import OfflineEngine

SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
HEALTH_RULE = "HEALTH"
#: rules whose acknowledged alert is re-opened by any event at least as severe (ALERT_PKG.merge_episode)
REOPEN_RULES: tuple[str, ...] = ("LOG_REDIRECTION", "LISTENER_STOP")
STATE_VERSION = 1
#: columns users may change in the rules table (``--rule-set RULE.column=value``)
EDITABLE_RULE_COLUMNS: tuple[str, ...] = ("enabled", "threshold", "window_minutes", "severity", "params")
EVIDENCE_DISPLAY_CHARS = 120
KEY_DISPLAY_CHARS = 60
#: byte limits of LSNR_ALERTS / LSNR_ALERT_CANDIDATES (ALERT_PKG.co_key_bytes ...)
KEY_BYTES = 400
EVIDENCE_BYTES = 1000
CANDIDATE_BYTES = 4000
#: character limits of the listener and host columns (ALERT_PKG.co_listener_chars, co_host_chars)
LISTENER_CHARS = 128
HOST_CHARS = 255

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class AlertError(Exception):
    """A one-line problem with the alert input (state file, rule override)."""


def severity_rank(severity: Optional[str]) -> int:
    """1 (info) .. 5 (critical); an unknown severity ranks as info (ALERT_PKG's CASE ... else 1)."""
    return SEVERITIES.index(severity) + 1 if severity in SEVERITIES else 1


def severities_from(floor: Optional[str]) -> Optional[tuple[str, ...]]:
    """The severities ranked at least ``floor``; None when every alert qualifies (no floor, or info)."""
    if floor is None or severity_rank(floor) <= 1:
        return None
    return SEVERITIES[severity_rank(floor) - 1:]


#: C0, DEL ([[:cntrl:]]), C1 U+0080-U+009F (NEL U+0085 included) plus the format characters
#: ALERT_PKG strips: ALM, ZWSP/ZWNJ/ZWJ, LRM, RLM, LINE and PARAGRAPH SEPARATOR, the bidi
#: embeddings/overrides/isolates, WJ and the invisible operators, BOM/ZWNBSP
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064"
                      r"\u2066-\u2069\ufeff]")
_ORA = re.compile("ORA-", re.IGNORECASE)


def fit_bytes(text: Optional[str], max_bytes: int) -> Optional[str]:
    """Twin of ALERT_PKG.fit_bytes: ``text`` cut to whole characters so that its UTF-8 (AL32UTF8)
    form takes at most ``max_bytes`` bytes. '' is NULL, as in Oracle."""
    if not text:
        return None
    text = text[: min(max_bytes, 8191)]
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", "ignore") or None  # a cut character is dropped whole


def one_line(text: Optional[str], max_bytes: int) -> Optional[str]:
    """Twin of ALERT_PKG.one_line: control, line-separator and bidi characters -> blank, at most
    ``max_bytes`` bytes."""
    if not text:
        return None
    return fit_bytes(_CONTROL.sub(" ", text[: min(max_bytes, 8191)]), max_bytes)


def log_text(text: Optional[str], max_bytes: int) -> Optional[str]:
    """Twin of ALERT_PKG.log_text: one_line, and no 'ORA-' (written 'ORA_') in the alert log."""
    line = one_line(text, max_bytes)
    return None if line is None else fit_bytes(_ORA.sub("ORA_", line), max_bytes)


def shorten(text: Optional[str], limit: int) -> str:
    """For the table view: at most ``limit`` characters of the text as stored (an ellipsis marks
    a cut). Nothing is escaped here: the output format makes hidden characters visible
    (lsnrmine.output.visible) and the dashboard escapes for HTML."""
    if text is None:
        return ""
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
    #: the listener and host of the alert's events (None: unknown; a state file written before
    #: them loads with None)
    listener: Optional[str] = None
    host: Optional[str] = None

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
    #: alerts of a state file written before listener and host existed (no "listener" entry)
    legacy: list[Alert] = field(default_factory=list, repr=False, compare=False)

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
            store = cls([Alert.from_json(item) for item in data["alerts"]])
            store.legacy = [a for a, item in zip(store.alerts, data["alerts"]) if "listener" not in item]
            return store
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AlertError(f"state file {path}: not a lsnrmine alert state ({exc}); give another --state file") from None

    def adopt_listener(self, listener: Optional[str]) -> None:
        """The legacy alerts take ``listener`` (the settings' listener_name: the one listener
        every event had then), so a burst going on across the upgrade extends its alert, as the
        install's upgrade of LSNR_ALERTS gives each alert its last event's listener and host (the
        host stays unknown here: the old events are not in the state file)."""
        for alert in self.legacy:
            alert.listener = listener or None
        self.legacy = []

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
    listener: Optional[str] = None
    host: Optional[str] = None


def cut_chars(text: Optional[str], max_chars: int) -> Optional[str]:
    """SUBSTR(text, 1, max_chars) of a CHAR-declared column: whole characters; '' is NULL."""
    return text[:max_chars] or None if text else None


def _null_last(text: Optional[str]) -> tuple[bool, str]:
    """A sort key ordering like Oracle's ascending ORDER BY: NULLs after every value."""
    return (text is None, text or "")


def episode_order(ep: "Episode") -> tuple[Any, ...]:
    """ALERT_PKG.merge_episodes' ORDER BY rule_id, alert_key, listener, host, first_time."""
    return (ep.rule_id, ep.alert_key, _null_last(ep.listener), _null_last(ep.host), ep.first_time)


class StoreError(Exception):
    """A value LSNR_ALERTS would refuse (ORA-12899 and the like)."""


def _check_storable(ep: Episode) -> None:
    """The column limits of LSNR_ALERTS (tables/alerts.sql) for what an episode writes."""
    if not ep.alert_key or len(ep.alert_key.encode("utf-8", "surrogatepass")) > KEY_BYTES:
        raise StoreError(f"ORA-12899: value too large for column ALERT_KEY (maximum: {KEY_BYTES})")
    if len(ep.rule_id.encode("utf-8")) > 30:
        raise StoreError("ORA-12899: value too large for column RULE_ID (maximum: 30)")
    if ep.severity not in SEVERITIES:
        raise StoreError(f"ORA-12899: value too large for column SEVERITY or not a severity: {ep.severity!r}")


_Key = tuple[str, str, Optional[str], Optional[str]]


def _key_of(alert: Alert) -> _Key:
    return (alert.rule_id, alert.alert_key, alert.listener or None, alert.host or None)


class AlertIndex:
    """The store's alerts by (rule_id, alert_key, listener, host), for the merge's one question:
    the latest alert (highest alert_id) of a key whose last_time is at least a given time.
    Listener and host compare as ALERT_PKG's DECODE does: NULL (None or '') matches NULL.

    Per key, besides every alert in id order, a staircase: the alerts no later alert of the key
    outlasts (ids ascending, last_time strictly descending). The answer is always on it (an alert
    with a later one lasting as long is never the latest match), found by a binary search. An
    alert whose last_time grows drops the alerts it now outlasts; one whose last_time shrinks
    (store_health sets it to ``now``) rebuilds its key's staircase. ``steps`` counts the alerts
    the index looked at (tests check it grows linearithmically)."""

    def __init__(self, alerts: Iterable[Alert]) -> None:
        self.steps = 0
        self._all: dict[_Key, list[Alert]] = {}
        top = 0
        for alert in alerts:
            self._all.setdefault(_key_of(alert), []).append(alert)
            top = max(top, alert.alert_id)
        self._next_id = top + 1
        self._stairs: dict[_Key, list[Alert]] = {}
        for key, same in self._all.items():
            same.sort(key=lambda a: a.alert_id)
            self._stairs[key] = self._staircase(same)

    def _staircase(self, same: list[Alert]) -> list[Alert]:
        stair: list[Alert] = []
        for alert in reversed(same):  # latest first: keep those outlasting every later one
            self.steps += 1
            if not stair or alert.last_time > stair[-1].last_time:
                stair.append(alert)
        stair.reverse()
        return stair

    def next_id(self) -> int:
        value = self._next_id
        self._next_id += 1
        return value

    def latest(self, rule_id: str, alert_key: str, since: Optional[dt.datetime],
               listener: Optional[str] = None, host: Optional[str] = None) -> Optional[Alert]:
        """The alert of highest id of (rule_id, alert_key, listener, host) with last_time >=
        ``since`` (any when None)."""
        stair = self._stairs.get((rule_id, alert_key, listener or None, host or None))
        if not stair:
            return None
        if since is None:
            return stair[-1]
        low, high = 0, len(stair)
        while low < high:  # stair[:low] last at least since, stair[high:] end before it
            middle = (low + high) // 2
            self.steps += 1
            if stair[middle].last_time >= since:
                low = middle + 1
            else:
                high = middle
        return stair[low - 1] if low else None

    def add(self, alert: Alert) -> None:
        """A new alert (its id above every other)."""
        key = _key_of(alert)
        self._all.setdefault(key, []).append(alert)
        stair = self._stairs.setdefault(key, [])
        while stair and stair[-1].last_time <= alert.last_time:
            self.steps += 1
            stair.pop()
        stair.append(alert)

    def moved(self, alert: Alert, before: dt.datetime) -> None:
        """``alert`` (from ``latest``: on its staircase) now ends at its last_time, not ``before``."""
        key = _key_of(alert)
        stair = self._stairs[key]
        if alert.last_time < before:
            self._stairs[key] = self._staircase(self._all[key])
            return
        low, high = 0, len(stair)
        while low < high:  # its place by id
            middle = (low + high) // 2
            self.steps += 1
            if stair[middle].alert_id < alert.alert_id:
                low = middle + 1
            else:
                high = middle
        at = start = low
        while start > 0 and stair[start - 1].last_time <= alert.last_time:
            self.steps += 1
            start -= 1
        del stair[start:at]


def store_health(store: AlertStore, key: str, text: str, now: dt.datetime,
                 severity: str = "high", window_minutes: float = 60,
                 index: Optional[AlertIndex] = None) -> Alert:
    """Twin of ALERT_PKG.store_health: extend the HEALTH alert of ``key`` seen within the window,
    else add one. ``index``: the store's AlertIndex when the caller keeps one (else built here)."""
    index = AlertIndex(store.alerts) if index is None else index
    key = one_line(key, KEY_BYTES) or "-"
    evidence = one_line(text, EVIDENCE_BYTES) or ""
    alert = index.latest(HEALTH_RULE, key, now - dt.timedelta(minutes=window_minutes))
    if alert is not None:
        before = alert.last_time
        alert.last_time, alert.cnt, alert.evidence, alert.updated_at = now, alert.cnt + 1, evidence, now
        index.moved(alert, before)
        return alert
    alert = Alert(index.next_id(), HEALTH_RULE, severity, key, now, now, 1, 0, evidence, "new", now, now)
    store.alerts.append(alert)
    index.add(alert)
    return alert


def _window_start(first_time: dt.datetime, window: dt.timedelta) -> Optional[dt.datetime]:
    """``first_time - window``: an alert lasting until then or later takes the episode
    (``first_time <= last_time + window``); None (every alert) before the first datetime."""
    try:
        return first_time - window
    except OverflowError:
        return None


def merge_episodes(store: AlertStore, episodes: Iterable[Episode], now: dt.datetime,
                   failed: Optional[list[str]] = None, index: Optional[AlertIndex] = None) -> list[Alert]:
    """Mirror of ALERT_PKG.merge_episodes; returns the alerts created or extended (in order).
    An episode the store would refuse is skipped and becomes a HEALTH alert naming its rule (its
    rule id is appended to ``failed``); an escalation re-opens an acknowledged alert.
    ``index``: the store's AlertIndex when the caller keeps one (else built here). Each episode
    costs a binary search in its key's alerts: O((E + A) log A) for E episodes and A alerts."""
    index = AlertIndex(store.alerts) if index is None else index
    touched: dict[int, Alert] = {}  # by identity, in order (a list's `in` made the merge quadratic)
    for ep in sorted(episodes, key=episode_order):
        try:
            _check_storable(ep)
        except StoreError as exc:
            if failed is not None and ep.rule_id not in failed:
                failed.append(ep.rule_id)
            health = store_health(store, ep.rule_id[:30], f"rule {ep.rule_id}: an alert could not be stored: {exc}",
                                  now, index=index)
            touched.setdefault(id(health), health)
            continue
        window = dt.timedelta(minutes=float(ep.window_minutes))
        alert = index.latest(ep.rule_id, ep.alert_key, _window_start(ep.first_time, window), ep.listener, ep.host)
        if alert is not None:
            before = alert.last_time
            if (alert.status == "acknowledged" and ep.rule_id in REOPEN_RULES
                    and severity_rank(ep.severity) >= severity_rank(alert.severity)):
                alert.status = "new"  # a redirect/stop after the acknowledgement is delivered again
            if severity_rank(ep.severity) > severity_rank(alert.severity):
                alert.severity = ep.severity
                alert.status = "new"  # an escalation re-opens an acknowledged alert
            alert.first_time = min(alert.first_time, ep.first_time)
            if ep.last_time >= alert.last_time:
                alert.last_event_id = ep.last_event_id
            alert.last_time = max(alert.last_time, ep.last_time)
            alert.cnt += ep.cnt
            alert.updated_at = now
            index.moved(alert, before)
        else:
            alert = Alert(index.next_id(), ep.rule_id, ep.severity, ep.alert_key, ep.first_time, ep.last_time,
                          ep.cnt, ep.last_event_id, fit_bytes(ep.evidence, EVIDENCE_BYTES) or "", "new", now, now,
                          ep.listener or None, ep.host or None)
            store.alerts.append(alert)
            index.add(alert)
        touched.setdefault(id(alert), alert)
    return list(touched.values())


# -- the engine side ------------------------------------------------------------------------


def _render(obj: DbObject, engine: "OfflineEngine") -> list[str]:
    return split_script(render_template(obj.deploy, engine.settings, **obj.template_context(engine.settings)))


def _quoted(engine: "OfflineEngine", logical: str) -> str:
    return ids.quote_identifier(engine.settings.object_name(logical))


#: DuckDB types of the columns of the engine's alert tables (prepare), in order
_ALERT_TYPES = ("BIGINT", "VARCHAR", "VARCHAR", "VARCHAR", "TIMESTAMP", "TIMESTAMP", "BIGINT", "BIGINT", "VARCHAR",
                "VARCHAR", "VARCHAR", "VARCHAR")
_CANDIDATE_TYPES = ("VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "TIMESTAMP", "VARCHAR", "VARCHAR", "VARCHAR")


def insert_columns(engine: "OfflineEngine", table: str, types: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """INSERT ``rows`` into ``table`` in one statement, each column bound as one list and unnested
    (in order): the rows of ``engine.insert_rows`` (one bound row each), which took 1.8 ms a row
    (42 s for the 23,125 candidates of a 200,000-line log)."""
    if not rows:
        return
    columns = ", ".join(f"unnest(?::{kind}[])" for kind in types)
    engine.execute_duckdb(f"INSERT INTO {table} SELECT {columns}", [list(values) for values in zip(*rows)])


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
    # the same columns as tables/alert_rules.sql (state columns NULL: offline scans all events)
    engine.execute_duckdb(
        f"CREATE OR REPLACE TABLE {rules} AS SELECT rule_id, rule_no, rule_name, description, enabled, "
        f"CAST(threshold AS DOUBLE) AS threshold, CAST(window_minutes AS DOUBLE) AS window_minutes, severity, "
        f"CAST(params AS VARCHAR) AS params, CAST(view_name AS VARCHAR) AS view_name, "
        f"CAST(NULL AS TIMESTAMP) AS scan_from, CAST(NULL AS BIGINT) AS last_event_id FROM {defaults}")
    known = {row[0] for row in engine.execute_duckdb(f"SELECT rule_id FROM {rules}")}
    for rule, column, value in overrides:
        if rule not in known:
            raise AlertError(f"--rule-set: no rule {rule}; rules: {', '.join(sorted(known))}")
        engine.execute_duckdb(f"UPDATE {rules} SET {column} = ? WHERE rule_id = ?",
                              [float(value) if column in ("threshold", "window_minutes") else value, rule])
    engine.execute_duckdb(
        f"CREATE OR REPLACE TABLE {alerts} (alert_id BIGINT, rule_id VARCHAR, severity VARCHAR, alert_key VARCHAR, "
        "first_time TIMESTAMP, last_time TIMESTAMP, cnt BIGINT, last_event_id BIGINT, evidence VARCHAR, "
        "status VARCHAR, listener VARCHAR, host VARCHAR)")
    insert_columns(engine, alerts, _ALERT_TYPES,
                   [(a.alert_id, a.rule_id, a.severity, a.alert_key, a.first_time, a.last_time, a.cnt, a.last_event_id,
                     a.evidence, a.status, a.listener or None, a.host or None) for a in store.alerts])
    engine.execute_duckdb(
        f"CREATE OR REPLACE TABLE {candidates} (rule_id VARCHAR, severity VARCHAR, alert_key VARCHAR, "
        "event_id BIGINT, event_time TIMESTAMP, evidence VARCHAR, listener VARCHAR, host VARCHAR)")


@dataclass
class RunResult:
    touched: list[Alert]
    failed_rules: list[str]
    candidates: dict[str, int]


def evaluate(engine: "OfflineEngine", store: AlertStore, *, now: Optional[dt.datetime] = None,
             overrides: Iterable[tuple[str, str, str]] = ()) -> RunResult:
    """One evaluation run over the loaded log (all its events), merged into ``store``."""
    from .engine.session import EngineError  # duckdb: alerts are also listed from the database, without it

    now = now or dt.datetime.now().replace(microsecond=0)
    store.adopt_listener(engine.settings.listener_name)
    prepare(engine, store, overrides)
    rules, candidates = _quoted(engine, "ALERT_RULES"), _quoted(engine, "ALERT_CANDIDATES")
    by_name = {o.name(engine.settings): o for o in MANIFEST if o.object_type == "VIEW"}
    failed: list[str] = []
    counts: dict[str, int] = {}
    health = next(iter(engine.execute_duckdb(f"SELECT enabled, severity, window_minutes FROM {rules} WHERE rule_id = ?",
                                             [HEALTH_RULE])), ("Y", "high", 60))
    health_failures: list[tuple[str, str]] = []
    for rule_id, view_name in engine.execute_duckdb(
            f"SELECT rule_id, view_name FROM {rules} WHERE enabled = 'Y' AND view_name IS NOT NULL "
            "ORDER BY rule_no, rule_id"):
        reading.phase(f"alert rule {rule_id}")
        try:
            name = view_name_in_dictionary(view_name)
            obj = by_name.get(name)
            if obj is None:
                raise EngineError(f"no view template for {view_name}")
            for statement in _render(obj, engine):
                engine.execute_oracle(statement, what=f"view {view_name}")
            # a view of the six columns documented before listener and host: NULL for them (the
            # job's retry after ORA-00904)
            columns = {str(c[0]).lower() for c in engine.execute_duckdb(
                "SELECT column_name FROM information_schema.columns WHERE lower(table_name) = lower(?)", [name])}
            placed = "listener, host" if {"listener", "host"} <= columns else "null, null"
            select = engine.translate(
                f"select rule_id, severity, alert_key, event_id, event_time, evidence, {placed} "
                f"from {ids.quote_identifier(name)} "
                f"where rule_id = {ids.sql_string(rule_id)} and event_time is not null and alert_key is not null")
            # the job's INSERT ... SELECT fit_bytes(alert_key, 400), fit_bytes(evidence, 4000),
            # substr(listener, 1, 128), substr(host, 1, 255)
            rows = [(r[0], r[1], fit_bytes(r[2], KEY_BYTES), r[3], r[4], fit_bytes(r[5], CANDIDATE_BYTES),
                     cut_chars(r[6], LISTENER_CHARS), cut_chars(r[7], HOST_CHARS))
                    for r in engine.execute_duckdb(select)]
            rows = [r for r in rows if r[2] is not None]
            insert_columns(engine, candidates, _CANDIDATE_TYPES, rows)
            counts[rule_id] = len(rows)
        except EngineError as exc:
            # as in the job: a failing rule is a HEALTH alert naming it, the others go on
            failed.append(rule_id)
            message = db.first_line(exc) if str(exc).strip() else type(exc).__name__
            health_failures.append((rule_id, f"rule {rule_id} failed: {message}"))
    reading.phase("merging the alerts")
    for statement in _render(manifest.get("ALERT_EPISODES"), engine):
        engine.execute_oracle(statement, what="view ALERT_EPISODES")
    result = engine.query(
        "select rule_id, alert_key, severity, first_time, last_time, cnt, last_event_id, evidence, window_minutes, "
        f"listener, host from {_quoted(engine, 'ALERT_EPISODES')} order by rule_id, alert_key, listener, host, first_time")
    episodes = [Episode(r[0], r[1], r[2], r[3], r[4], int(r[5]), None if r[6] is None else int(r[6]), r[7] or "",
                        float(r[8]), r[9] or None, r[10] or None) for r in result.rows]
    index = AlertIndex(store.alerts)
    touched: dict[int, Alert] = {}  # by identity, in order
    if health[0] != "N":  # the HEALTH row decides whether and how the job's problems are raised
        for key, text in health_failures:
            alert = store_health(store, key, text, now, health[1], float(health[2]), index=index)
            touched.setdefault(id(alert), alert)
    for alert in merge_episodes(store, episodes, now, failed, index=index):
        touched.setdefault(id(alert), alert)
    return RunResult(list(touched.values()), failed, counts)


def view_name_in_dictionary(view_name: str) -> str:
    """What DBMS_ASSERT.ENQUOTE_NAME(SIMPLE_SQL_NAME(name), capitalize => TRUE) names: an unquoted
    name upper-cased, a quoted one as written."""
    if len(view_name) >= 2 and view_name.startswith('"') and view_name.endswith('"'):
        return view_name[1:-1]
    return view_name.upper()


DISPLAY_COLUMNS: tuple[str, ...] = ("ALERT_ID", "RULE", "SEVERITY", "KEY", "LISTENER", "HOST", "COUNT",
                                    "FIRST_TIME", "LAST_TIME", "STATUS", "EVIDENCE")


def display_rows(alerts: Iterable[Alert], short: bool = False) -> list[tuple[Any, ...]]:
    """The alerts as output rows (DISPLAY_COLUMNS): key, listener, host and evidence as stored,
    whole; ``short`` (the table view) cuts key and host to KEY_DISPLAY_CHARS, evidence to
    EVIDENCE_DISPLAY_CHARS characters."""
    def cut(text: Optional[str], limit: int) -> str:
        return shorten(text, limit) if short else text or ""

    return [(a.alert_id, a.rule_id, a.severity, cut(a.alert_key, KEY_DISPLAY_CHARS), a.listener or "",
             cut(a.host, KEY_DISPLAY_CHARS), a.cnt, a.first_time, a.last_time, a.status,
             cut(a.evidence, EVIDENCE_DISPLAY_CHARS)) for a in alerts]
