"""Rules 6 (SID_ENUMERATION) and 8 (NEW_CLIENT_IP) rewritten from a self-join / NOT EXISTS over
earlier events to sorts and analytic functions (issue 21): the same rows as the quadratic SQL they
replace, kept in tests/fixtures/quadratic_rules/ (rendered and run beside the shipped views on the
same engine), on the boundary fixtures and random logs (hypothesis), under other thresholds, windows
and scan_from values. (The shared real samples in ../shared/samples hold no connect with a client
IP: neither rule has a row to compare there.) With several listeners and hosts (issue 22) the
counts are per listener and host: checked against a brute-force count in Python over random events.

Only rows with an event time are compared: the alert job and `lsnrmine alerts` read a rule view
with `event_time is not null` (plsql/alert_pkg.sql, installer/alerts.py); the new rule 6 leaves
events without a time out altogether (the old one gave them counts of 0)."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from lsnrmine import alerts, manifest, templates
from lsnrmine.engine.session import OfflineEngine
from lsnrmine.runner import split_script
from lsnrmine.settings import Settings

TESTS = Path(__file__).resolve().parent
QUADRATIC = TESTS / "fixtures" / "quadratic_rules"
BOUNDARIES = TESTS / "fixtures" / "boundaries"
RULES = {"SID_ENUMERATION": ("ALERT_R6_ENUMERATION", "alert_r6_enumeration.sql"),
         "NEW_CLIENT_IP": ("ALERT_R8_NEW_IP", "alert_r8_new_ip.sql")}
COLUMNS = "rule_id, severity, alert_key, event_id, event_time, evidence"


def _create_views(engine: OfflineEngine) -> None:
    """The shipped views of rules 6 and 8 (as `alerts` creates them) and the quadratic ones as
    OLD_<name>, over the same tables."""
    alerts.prepare(engine, alerts.AlertStore(), [])
    for logical, file in RULES.values():
        obj = manifest.get(logical)
        name = obj.name(engine.settings)
        shipped = templates.render_template(obj.deploy, engine.settings, **obj.template_context(engine.settings))
        context = templates.template_context(engine.settings)
        context.update(obj.template_context(engine.settings))
        context["name"] = f'"OLD_{name}"'
        old = templates.environment().from_string((QUADRATIC / file).read_text(encoding="utf-8")).render(**context)
        for text in (shipped, old):
            for statement in split_script(text):
                engine.execute_oracle(statement, what=logical)


def _rows(engine: OfflineEngine, view: str) -> list[tuple[Any, ...]]:
    return sorted(engine.execute_duckdb(engine.translate(
        f'select {COLUMNS} from "{view}" where event_time is not null')), key=repr)


def _set_rule(engine: OfflineEngine, rule: str, **values: Any) -> None:
    for column, value in values.items():
        engine.con.execute(f"update lsnr_alert_rules set {column} = ? where rule_id = ?", [value, rule])


def assert_same(engine: OfflineEngine, variants: list[dict[str, Any]]) -> int:
    """Old and new rows equal for each rule under each variant of its settings; the rows compared."""
    compared = 0
    for rule, (logical, _file) in RULES.items():
        name = manifest.get(logical).name(engine.settings)
        before = engine.con.execute(
            "select threshold, window_minutes, scan_from from lsnr_alert_rules where rule_id = ?", [rule]).fetchone()
        try:
            for variant in variants:
                _set_rule(engine, rule, **variant)
                new, old = _rows(engine, name), _rows(engine, f"OLD_{name}")
                assert new == old, (rule, variant, set(new) ^ set(old))
                compared += len(new)
        finally:
            _set_rule(engine, rule, threshold=before[0], window_minutes=before[1], scan_from=before[2])
    return compared


VARIANTS = [{}, {"threshold": 0}, {"threshold": 1}, {"threshold": 2}, {"threshold": 4}, {"threshold": 6},
            {"window_minutes": 1}, {"window_minutes": 30}, {"window_minutes": 0.5, "threshold": 2},
            {"window_minutes": 1440, "threshold": 3}]


def _engine(files: list[str], *, one_listener: bool = True) -> OfflineEngine:
    """An engine over ``files`` with the shipped and the old views. ``one_listener``: every event
    gets one listener and no host (the old SQL counts per IP across listeners, the new per listener
    and host: the same rows then; a log's host from its ADR path or header would split them)."""
    engine = OfflineEngine(Settings())
    engine.load(files, progress=False)
    engine.ensure_events()
    if one_listener:
        engine.con.execute("update lsnr_events set listener = 'LISTENER', host = null")
    _create_views(engine)
    return engine


def test_r6_r8_fixtures_old_and_new_sql_give_the_same_rows() -> None:
    files = sorted(str(p) for p in BOUNDARIES.glob("r*.log")) + [
        str(BOUNDARIES / "segments" / f"listener_{n}.log") for n in range(1, 12)] + [
        str(BOUNDARIES / "segments" / "listener.log"), str(BOUNDARIES / "event_kinds.log"),
        str(BOUNDARIES / "event_kinds.xml"), str(BOUNDARIES / "r7_storm.xml")]
    engine = _engine(files)
    times = [r[0] for r in engine.con.execute(
        "select distinct event_time from lsnr_events where return_code in (12505, 12514) order by 1").fetchall()]
    scans = [{"scan_from": times[len(times) // 2]}, {"scan_from": times[1] + dt.timedelta(seconds=1)}]
    # rule 8's input cut (the client IPs seen since scan_from): scan_from at exactly an IP's last
    # establish, for the public IPs (a row at every establish)
    scans += [{"scan_from": r[0]} for r in engine.con.execute(
        "select max(event_time) t from lsnr_events where event_kind = 'establish' and client_ip is not null "
        "and not regexp_matches(client_ip, '^(10\\.|192\\.168\\.|172\\.|127\\.|::)') "
        "group by client_ip order by t desc limit 8").fetchall()]
    compared = assert_same(engine, VARIANTS + scans)
    assert compared > 100  # rows of both rules under the variants, not an empty comparison


# -- per listener and host (issue 22) -------------------------------------------------------------

def _r6_reference(events: list[dict[str, Any]], threshold: int, window_s: int) -> dict[int, int]:
    """event_id -> the greater of its trailing and leading distinct-name counts, for the events
    that alert: a brute-force count over the same listener, host and client IP."""
    def target(e: dict[str, Any]) -> str:
        return "SID=" + e["sid"][:200] if e["sid"] is not None else "SERVICE_NAME=" + e["service_name"][:200]

    # a refused establish without a trusted address counts under one key per listener and host
    fails = [dict(e, client_ip=e["client_ip"] or "(address withheld)") for e in events
             if (e["event_kind"] == "establish" or (e["event_kind"] == "command" and e.get("command") == "establish"))
             and e["return_code"] in (12505, 12514)
             and (e["client_ip"] is not None or e.get("protocol_info") is None)
             and e["event_time"] is not None and (e["sid"] is not None or e["service_name"] is not None)]
    out = {}
    for e in fails:
        same = [f for f in fails if (f["listener"], f["host"], f["client_ip"]) == (e["listener"], e["host"], e["client_ip"])]
        t, w = e["event_time"], dt.timedelta(seconds=window_s)
        trail = len({target(f) for f in same if t - w <= f["event_time"] <= t})
        lead = len({target(f) for f in same if t <= f["event_time"] <= t + w})
        if trail >= threshold or lead >= threshold:
            out[e["event_id"]] = max(trail, lead)
    return out


def _r8_reference(events: list[dict[str, Any]], learning_days: float) -> set[int]:
    """event_ids of the first establish or command of a (private) client IP per listener and host, at or after
    that listener@host's first event (any kind) + the learning period (public IPs: the fixtures' addresses
    here are all private)."""
    out = set()
    for e in events:
        if e["event_kind"] not in ("establish", "command") or e["client_ip"] is None or e["event_time"] is None:
            continue
        group = [f for f in events if (f["listener"], f["host"]) == (e["listener"], e["host"])]
        start = min(f["event_time"] for f in group if f["event_time"] is not None)
        earlier = [f for f in group if f["event_kind"] in ("establish", "command") and f["client_ip"] == e["client_ip"]
                   and f["event_time"] is not None
                   and (f["event_time"], f["event_id"]) < (e["event_time"], e["event_id"])]
        if not earlier and e["event_time"] >= start + dt.timedelta(seconds=round(learning_days * 86400)):  # DATE: s
            out.add(e["event_id"])
    return out


@st.composite
def random_events(draw) -> list[dict[str, Any]]:
    now = dt.datetime(2021, 5, 1, 0, 0, 0)
    events = []
    for event_id in range(1, draw(st.integers(1, 60)) + 1):
        now += dt.timedelta(seconds=draw(st.sampled_from([0, 1, 30, 60, 61, 120, 299, 300, 301])))
        by_sid = draw(st.booleans())
        name = draw(st.sampled_from(NAMES))
        events.append({
            "event_id": event_id, "event_time": now if draw(st.integers(0, 20)) else None,
            "listener": draw(st.sampled_from(["LISTENER", "LISTENER_SCAN1"])),
            "host": draw(st.sampled_from(["rac1", "rac2", None])),
            "client_ip": draw(st.sampled_from(["10.0.0.1", "10.0.0.2", "192.168.1.3", None])),
            # rule 6 reads establish rows, rule 8 establish and command rows; another kind's never counts
            "event_kind": (kind := draw(st.sampled_from(["establish", "establish", "establish", "command", "other"]))),
            # a command 'establish': a refused connect with a nested (COMMAND=..) counts for rule 6 (review 7d)
            "command": draw(st.sampled_from(["establish", "status"])) if kind == "command" else None,
            "return_code": draw(st.sampled_from([12505, 12514, 0])),
            "sid": name if by_sid else None, "service_name": None if by_sid else name,
            "raw_line": f"line {event_id}"})
    return events


@pytest.fixture(scope="module")
def bare_engine() -> OfflineEngine:
    return _engine([str(BOUNDARIES / "r6_enumeration.log")], one_listener=False)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=random_events(), threshold=st.integers(1, 4), window=st.sampled_from([1, 5]),
       learning=st.sampled_from([0, 0.0007, 0.003]))
def test_r6_r8_counts_per_listener_and_host_match_a_brute_force_count(bare_engine: OfflineEngine, events, threshold: int,
                                                                window: int, learning: float) -> None:
    engine = bare_engine
    con = engine.con
    con.execute("delete from lsnr_events")
    columns = list(events[0])
    con.executemany(f"insert into lsnr_events ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
                    [[e[c] for c in columns] for e in events])
    _set_rule(engine, "SID_ENUMERATION", threshold=threshold, window_minutes=window, scan_from=None)
    _set_rule(engine, "NEW_CLIENT_IP", threshold=learning, scan_from=None, params=r"^10\.|^192\.168\.")
    name6 = manifest.get("ALERT_R6_ENUMERATION").name(engine.settings)
    got6 = {r[0]: (r[1], r[2], r[3]) for r in engine.execute_duckdb(engine.translate(
        f'select event_id, evidence, listener, host from "{name6}" where event_time is not null'))}
    want6 = _r6_reference(events, threshold, window * 60)
    assert set(got6) == set(want6)
    by_id = {e["event_id"]: e for e in events}
    for event_id, (evidence, listener, host) in got6.items():
        assert f", {want6[event_id]} distinct names in the window: " in evidence, (event_id, evidence)
        assert (listener, host) == (by_id[event_id]["listener"], by_id[event_id]["host"])
    name8 = manifest.get("ALERT_R8_NEW_IP").name(engine.settings)
    got8 = {r[0] for r in engine.execute_duckdb(engine.translate(
        f'select event_id from "{name8}" where event_time is not null'))}
    assert got8 == _r8_reference(events, learning)


# -- random logs ---------------------------------------------------------------------------------

IPS = ["198.51.100.7", "198.51.100.8", "10.0.0.5", "203.0.113.9", "::ffff:10.0.0.6"]
NAMES = ["ORCL", "PROD", "TEST", "DEV", "orcl", "HR.example.com", "X" * 210, "X" * 209 + "Y"]
ERRORS = {12505: "TNS-12505: TNS:listener does not currently know of SID given in connect descriptor",
          12514: "TNS-12514: TNS:listener does not currently know of service requested in connect descriptor"}


@st.composite
def random_log(draw) -> str:
    """Connects in a listener.log's own form, seconds to minutes apart (some in the same second):
    refused with 12505 (by SID) or 12514 (by SERVICE_NAME) or accepted, from a few client IPs."""
    now = dt.datetime(2020, 3, 1, 8, 0, 0)
    lines = [now.strftime("%a %b %d %H:%M:%S %Y"), "TNSLSNR for Linux: Version 19.0.0.0.0 - Production"]
    for port in range(draw(st.integers(1, 40))):
        now += dt.timedelta(seconds=draw(st.sampled_from([0, 1, 15, 59, 60, 61, 75, 120, 299, 300, 301, 900])))
        ip = draw(st.sampled_from(IPS))
        name = draw(st.sampled_from(NAMES))
        code = draw(st.sampled_from([12505, 12514, 0]))
        key = "SID" if code == 12505 or (code == 0 and draw(st.booleans())) else "SERVICE_NAME"
        stamp = now.strftime("%d-%b-%Y %H:%M:%S").upper()
        lines.append(f"{stamp} * (CONNECT_DATA=({key}={name})(CID=(PROGRAM=sqlplus)(HOST=scanner)(USER=root))) * "
                     f"(ADDRESS=(PROTOCOL=tcp)(HOST={ip})(PORT={40000 + port})) * establish * {name} * {code}")
        if code:
            lines.append(ERRORS[code])
    return "\n".join(lines) + "\n"


@pytest.mark.slow  # an engine per example: about 10 s each on this machine
@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=random_log(), threshold=st.integers(0, 4), window=st.sampled_from([1, 2, 5]),
       learning=st.sampled_from([0, 0.001, 0.01]))
def test_r6_r8_random_logs_old_and_new_sql_give_the_same_rows(tmp_path: Path, text: str, threshold: int, window: int,
                                                        learning: float) -> None:
    log = tmp_path / f"listener_{random.getrandbits(32)}.log"
    log.write_text(text, encoding="utf-8")
    engine = _engine([str(log)])
    assert_same(engine, [{"threshold": threshold, "window_minutes": window}, {}])
    _set_rule(engine, "NEW_CLIENT_IP", threshold=learning)  # a learning period of 0 to 14 minutes
    assert_same(engine, [{}])


# -- work, counted (not timed) ---------------------------------------------------------------------

def _work(engine: OfflineEngine, view: str) -> int:
    """Rows DuckDB's operators produced for ``select * from view`` (its profiler's intermediate_rows,
    summed over the plan): the work, independent of the machine's speed."""
    import json  # here: only this test reads the profile

    out = Path(tempfile.mkdtemp(prefix="lsnrmine-profile-")) / "profile.json"
    con = engine.con
    con.execute("PRAGMA enable_profiling='json'")
    con.execute(f"PRAGMA profiling_output='{out}'")
    try:
        con.execute(engine.translate(f'select count(*) from "{view}"')).fetchall()
    finally:
        con.execute("PRAGMA disable_profiling")

    def rows(node: dict) -> int:
        return int(node.get("intermediate_rows") or 0) + sum(rows(c) for c in node.get("children", []))

    profile = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    out.parent.rmdir()
    return sum(rows(n) for n in profile["operator"])


def test_r6_r8_work_grows_linearly_with_the_refusals_of_one_ip(bare_engine: OfflineEngine) -> None:
    """One client IP refused k times, a new name each second, all in one 60-minute window: doubling k
    doubles the new views' work (DuckDB's rows: 22,804 -> 45,604 for rule 6); the quadratic SQL's,
    the control, about quadruples (rule 6: 1.1 M -> 4.4 M rows)."""
    engine = bare_engine
    _set_rule(engine, "SID_ENUMERATION", threshold=5, window_minutes=60, scan_from=None)
    _set_rule(engine, "NEW_CLIENT_IP", threshold=0, scan_from=None, params=r"^10\.")
    work: dict[str, list[int]] = {}
    for k in (300, 600):
        start = dt.datetime(2022, 1, 1)
        engine.con.execute("delete from lsnr_events")
        engine.con.executemany(
            "insert into lsnr_events (event_id, event_time, event_kind, listener, host, client_ip, return_code, sid, "
            "raw_line) values (?, ?, 'establish', 'LISTENER', null, '10.9.9.9', 12505, ?, 'x')",
            [[i, start + dt.timedelta(seconds=i), f"SID{i}"] for i in range(1, k + 1)])
        for logical, _file in RULES.values():
            name = manifest.get(logical).name(engine.settings)
            for view in (name, f"OLD_{name}"):
                work.setdefault(view, []).append(_work(engine, view))
    for view, (small, big) in work.items():
        if view.startswith("OLD_"):
            assert big / small > 3.2, (view, small, big)  # the control: quadratic
        else:
            assert big / small < 2.4, (view, small, big)


def test_r6_a_name_again_exactly_one_window_later_stays_one_island(bare_engine: OfflineEngine) -> None:
    """SID X asked at 10:00:00 and again at exactly 10:05:00 (window 5 minutes): one island, never
    ended between the two. IP .1: Y at 10:06 sees X (10:05) behind it: 2 names. IP .2: Y at 10:02 sees
    X (10:05) and Z (10:06) ahead: 3 names. An island ended at 10:00 would lose X in both."""
    engine = bare_engine
    t = dt.datetime(2023, 4, 1, 10, 0, 0)
    rows = [(1, "10.1.1.1", "X", 0), (2, "10.1.1.1", "X", 300), (3, "10.1.1.1", "Y", 360),
            (4, "10.1.1.2", "X", 0), (5, "10.1.1.2", "Y", 120), (6, "10.1.1.2", "X", 300), (7, "10.1.1.2", "Z", 360)]
    events = [{"event_id": i, "event_time": t + dt.timedelta(seconds=s), "event_kind": "establish",
               "listener": "LISTENER", "host": None,
               "client_ip": ip, "return_code": 12505, "sid": name, "service_name": None, "raw_line": f"line {i}"}
              for i, ip, name, s in rows]
    engine.con.execute("delete from lsnr_events")
    columns = list(events[0])
    engine.con.executemany(f"insert into lsnr_events ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
                           [[e[c] for c in columns] for e in events])
    name6 = manifest.get("ALERT_R6_ENUMERATION").name(engine.settings)
    for threshold in (2, 3):
        _set_rule(engine, "SID_ENUMERATION", threshold=threshold, window_minutes=5, scan_from=None)
        got = {r[0]: r[1] for r in engine.execute_duckdb(engine.translate(
            f'select event_id, evidence from "{name6}"'))}
        want = _r6_reference(events, threshold, 300)
        assert set(got) == set(want), threshold
        for event_id, count in want.items():
            assert f", {count} distinct names in the window: " in got[event_id], (event_id, got[event_id])
    assert want == {5: 3, 7: 3}  # threshold 3: IP .2's Y (ahead) and Z (behind); IP .1's Y has 2
