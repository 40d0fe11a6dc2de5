"""The alert store's merge without a quadratic step (issue 21).

``merge_episodes`` finds the alert an episode extends through ``AlertIndex`` (by rule and key, a
binary search) instead of scanning every stored alert, and keeps the touched alerts by identity
instead of a list's ``in``. Checked by counting work, not by timing: the store's list counts the
alerts read from it, ``AlertIndex.steps`` the alerts the index looked at, and a profile hook every
Python function call; doubling the alerts must about double each count (the old merge, kept here
as the oracle, quadruples them). The differential tests compare the new merge with that oracle,
alert for alert, on random stores and episodes (hypothesis) and on the episodes the rules raise
from every alert fixture.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lsnrmine import alerts as alerts_mod
from lsnrmine.alerts import Alert, AlertIndex, AlertStore, Episode

ALERT_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "alerts"
T0 = dt.datetime(2026, 3, 1, 8, 0, 0)


# -- the oracle: merge_episodes and store_health as they were before issue 21 -----------------
# (with issue 22's listener and host: an alert is matched by rule, key, listener and host)


def old_store_health(store: AlertStore, key: str, text: str, now: dt.datetime,
                     severity: str = "high", window_minutes: float = 60) -> Alert:
    key = alerts_mod.one_line(key, alerts_mod.KEY_BYTES) or "-"
    evidence = alerts_mod.one_line(text, alerts_mod.EVIDENCE_BYTES) or ""
    since = now - dt.timedelta(minutes=window_minutes)
    matches = [a for a in store.alerts if a.rule_id == alerts_mod.HEALTH_RULE and a.alert_key == key
               and a.last_time >= since]
    if matches:
        alert = max(matches, key=lambda a: a.alert_id)
        alert.last_time, alert.cnt, alert.evidence, alert.updated_at = now, alert.cnt + 1, evidence, now
        return alert
    alert = Alert(store.next_id(), alerts_mod.HEALTH_RULE, severity, key, now, now, 1, 0, evidence, "new", now, now)
    store.alerts.append(alert)
    return alert


def old_merge_episodes(store: AlertStore, episodes: Iterable[Episode], now: dt.datetime,
                       failed: Optional[list[str]] = None) -> list[Alert]:
    touched: list[Alert] = []
    for ep in sorted(episodes, key=lambda e: (e.rule_id, e.alert_key, e.listener is None, e.listener or "",
                                              e.host is None, e.host or "", e.first_time)):
        try:
            alerts_mod._check_storable(ep)
        except alerts_mod.StoreError as exc:
            if failed is not None and ep.rule_id not in failed:
                failed.append(ep.rule_id)
            health = old_store_health(store, ep.rule_id[:30], f"rule {ep.rule_id}: an alert could not be stored: {exc}", now)
            if health not in touched:
                touched.append(health)
            continue
        window = dt.timedelta(minutes=float(ep.window_minutes))
        matches = [a for a in store.alerts if a.rule_id == ep.rule_id and a.alert_key == ep.alert_key
                   and (a.listener or None) == (ep.listener or None) and (a.host or None) == (ep.host or None)
                   and ep.first_time <= a.last_time + window]
        if matches:
            alert = max(matches, key=lambda a: a.alert_id)
            if (alert.status == "acknowledged" and ep.rule_id in alerts_mod.REOPEN_RULES
                    and alerts_mod.severity_rank(ep.severity) >= alerts_mod.severity_rank(alert.severity)):
                alert.status = "new"
            if alerts_mod.severity_rank(ep.severity) > alerts_mod.severity_rank(alert.severity):
                alert.severity = ep.severity
                alert.status = "new"
            alert.first_time = min(alert.first_time, ep.first_time)
            if ep.last_time >= alert.last_time:
                alert.last_event_id = ep.last_event_id
            alert.last_time = max(alert.last_time, ep.last_time)
            alert.cnt += ep.cnt
            alert.updated_at = now
        else:
            alert = Alert(store.next_id(), ep.rule_id, ep.severity, ep.alert_key, ep.first_time, ep.last_time,
                          ep.cnt, ep.last_event_id, alerts_mod.fit_bytes(ep.evidence, alerts_mod.EVIDENCE_BYTES) or "",
                          "new", now, now, ep.listener or None, ep.host or None)
            store.alerts.append(alert)
        if alert not in touched:
            touched.append(alert)
    return touched


# -- counting work ---------------------------------------------------------------------------


class CountingList(list):
    """A real list that counts the items read from it by iteration (a scan of the store)."""

    def __init__(self, items: Iterable[Alert] = ()) -> None:
        super().__init__(items)
        self.read = 0

    def __iter__(self) -> Iterator[Alert]:
        for item in super().__iter__():
            self.read += 1
            yield item


def _workload(n: int) -> tuple[list[Alert], list[Episode]]:
    """``n`` stored alerts (n / 4 keys of one rule, 4 bursts each a day apart, the last one
    acknowledged) and 2 n episodes: one extending each key's latest alert, one a new burst, and
    a tenth of the keys over 400 bytes (a HEALTH alert each); the keys' alerts on two listeners."""
    stored, episodes = [], []
    for k in range(n // 4):
        key = f"user{k}@host{k % 17}"
        listener = ("LISTENER", "LISTENER_DG")[k % 2]
        for burst in range(4):
            start = T0 + dt.timedelta(days=burst, minutes=k % 50)
            stored.append(Alert(len(stored) + 1, "PASSWORD_FAILURES", "medium", key, start,
                                start + dt.timedelta(minutes=5), 3, k, "evidence", "acknowledged" if burst == 3 else "new",
                                listener=listener))
        last = T0 + dt.timedelta(days=3, minutes=k % 50 + 30)
        episodes.append(Episode("PASSWORD_FAILURES", key, "high", last, last, 2, k, "more", 60, listener))
        late = last + dt.timedelta(days=2)
        episodes.append(Episode("PASSWORD_FAILURES", key, "low", late, late, 1, k, "again", 60, listener))
        episodes.append(Episode("LISTENER_STOP", key, "critical", late, late, 1, k, "stop", 30, listener))
        if k % 10 == 0:
            episodes.append(Episode("ENUMERATION", "x" * 401 + key, "high", late, late, 1, k, "long", 60))
    return stored, episodes


def _count_work(merge, n: int) -> tuple[int, int, int]:
    """(alerts read from the store's list, index steps, Python calls) of one merge of _workload(n)."""
    stored, episodes = _workload(n)
    store = AlertStore(CountingList(stored))
    now = T0 + dt.timedelta(days=10)
    calls = 0

    def profile(frame, event, arg) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    index = AlertIndex(store.alerts) if merge is alerts_mod.merge_episodes else None
    sys.setprofile(profile)
    try:
        if index is not None:
            merge(store, episodes, now, [], index=index)
        else:
            merge(store, episodes, now, [])
    finally:
        sys.setprofile(None)
    return store.alerts.read, index.steps if index is not None else 0, calls


def test_merge_work_grows_linearithmically() -> None:
    # the new merge reads the store once (to build the index) and looks at a handful of alerts
    # per episode: doubling the alerts about doubles every count
    small, large = _count_work(alerts_mod.merge_episodes, 2000), _count_work(alerts_mod.merge_episodes, 4000)
    assert large[0] <= 2 * 4000 + 10, large  # the index build reads the stored alerts once
    assert small[1] > 0 and large[1] / small[1] < 2.3, (small, large)
    assert large[2] / small[2] < 2.3, (small, large)
    assert large[1] < 40 * 4000, large  # a few steps per alert and episode, not one per stored alert


def test_old_merge_work_grows_quadratically() -> None:
    # the same counters catch the old merge (one scan of the store per episode): the test above
    # can fail
    small, large = _count_work(old_merge_episodes, 500), _count_work(old_merge_episodes, 1000)
    assert large[0] / small[0] > 3.5, (small, large)
    assert large[0] > 1000 * 1000, large


def test_touched_membership_is_by_identity_not_a_list_scan() -> None:
    # many HEALTH alerts and touched alerts: the old list's `in` compared dataclasses field by
    # field (a Python call per comparison, counted by the profile hook)
    def calls(merge, n: int) -> int:
        episodes = [Episode(f"RULE_{i}", "", "high", T0, T0, 1, i, "e", 60) for i in range(n)]
        episodes += [Episode("PASSWORD_FAILURES", f"k{i}", "high", T0, T0, 1, i, "e", 60) for i in range(n)]
        count = 0

        def profile(frame, event, arg) -> None:
            nonlocal count
            if event == "call" and frame.f_code.co_name == "__eq__":
                count += 1

        sys.setprofile(profile)
        try:
            merge(AlertStore(), episodes, T0, [])
        finally:
            sys.setprofile(None)
        return count

    assert calls(alerts_mod.merge_episodes, 1000) == 0
    assert calls(old_merge_episodes, 300) > 300 * 300 // 2  # the oracle's list: quadratic


# -- differential: the new merge = the old one -------------------------------------------------


def _run_both(stored: list[Alert], episodes: list[Episode], now: dt.datetime) -> None:
    old_store, new_store = AlertStore(copy.deepcopy(stored)), AlertStore(copy.deepcopy(stored))
    old_failed: list[str] = []
    new_failed: list[str] = []
    old_touched = old_merge_episodes(old_store, copy.deepcopy(episodes), now, old_failed)
    new_touched = alerts_mod.merge_episodes(new_store, copy.deepcopy(episodes), now, new_failed)
    assert [a.to_json() for a in new_store.alerts] == [a.to_json() for a in old_store.alerts]
    assert [a.to_json() for a in new_touched] == [a.to_json() for a in old_touched]
    assert all(any(t is a for a in new_store.alerts) for t in new_touched)
    assert new_failed == old_failed


RULES = ("PASSWORD_FAILURES", "LOG_REDIRECTION", "LISTENER_STOP", "ENUMERATION")
KEYS = ("a", "b", "scott@pc1", "")
LISTENERS = (None, "LISTENER", "LISTENER_DG", "")
HOSTS = (None, "racnode1", "racnode2")
minutes = st.integers(min_value=0, max_value=6 * 24 * 60)


@st.composite
def stores(draw) -> list[Alert]:
    count = draw(st.integers(min_value=0, max_value=12))
    ids = draw(st.lists(st.integers(min_value=1, max_value=60), min_size=count, max_size=count, unique=True))
    out = []
    for alert_id in ids:
        rule = draw(st.sampled_from(RULES + (alerts_mod.HEALTH_RULE,)))
        key = draw(st.sampled_from(KEYS[:3] + RULES)) if rule == alerts_mod.HEALTH_RULE else draw(st.sampled_from(KEYS[:3]))
        first = T0 + dt.timedelta(minutes=draw(minutes))
        last = first + dt.timedelta(minutes=draw(st.integers(min_value=0, max_value=600)))
        out.append(Alert(alert_id, rule, draw(st.sampled_from(alerts_mod.SEVERITIES)), key, first, last,
                         draw(st.integers(min_value=1, max_value=9)), draw(st.none() | st.integers(0, 99)),
                         "stored", draw(st.sampled_from(("new", "acknowledged", "sent"))), first, last,
                         *(() if rule == alerts_mod.HEALTH_RULE
                           else (draw(st.sampled_from(LISTENERS[:3])), draw(st.sampled_from(HOSTS))))))
    return out


@st.composite
def episode_lists(draw) -> list[Episode]:
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=15))):
        first = T0 + dt.timedelta(minutes=draw(minutes))
        last = first + dt.timedelta(minutes=draw(st.integers(min_value=0, max_value=300)))
        out.append(Episode(draw(st.sampled_from(RULES)), draw(st.sampled_from(KEYS)),
                           draw(st.sampled_from(alerts_mod.SEVERITIES + ("urgent",))), first, last,
                           draw(st.integers(min_value=1, max_value=9)), draw(st.none() | st.integers(0, 99)),
                           draw(st.sampled_from(("", "ev", "é" * 600))),
                           draw(st.sampled_from((0, 1, 30, 60, 1440, 2.5))),
                           draw(st.sampled_from(LISTENERS)), draw(st.sampled_from(HOSTS))))
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stores(), episode_lists(), minutes)
def test_merge_equals_the_old_merge_on_random_episodes(stored, episodes, now_minutes) -> None:
    # ``now`` anywhere in the range: stored HEALTH alerts may end after it (store_health then
    # moves their last_time back to now)
    _run_both(stored, episodes, T0 + dt.timedelta(minutes=now_minutes))


def test_merge_equals_the_old_merge_on_a_large_random_store() -> None:
    import random

    rng = random.Random(21)
    stored, episodes = _workload(400)
    rng.shuffle(stored)
    for alert in stored[::7]:
        alert.last_time += dt.timedelta(days=rng.randint(0, 6))  # later ids no longer last longest
    rng.shuffle(episodes)
    _run_both(stored, episodes, T0 + dt.timedelta(days=4))


# evaluating the rules over every alert fixture takes tens of seconds (the rule views compiled by
# DuckDB), hence slow
@pytest.mark.slow
def test_merge_equals_the_old_merge_on_the_fixture_episodes(clean_env) -> None:
    # the episodes the rules raise from every alert fixture (one engine over all of them): the new
    # merge equals the old one into an empty store, and again into the store of that first run
    # (the same episodes a day later: dedup across runs) and of an acknowledged copy of it
    from lsnrmine.engine.session import OfflineEngine
    from lsnrmine.settings import Settings

    engine = OfflineEngine(Settings())
    engine.load(sorted(str(p) for p in ALERT_FIXTURES.glob("*.log")), progress=False)
    now = dt.datetime(2026, 12, 3, 12, 0, 0)
    result = alerts_mod.evaluate(engine, AlertStore(), now=now)
    rows = engine.query(
        "select rule_id, alert_key, severity, first_time, last_time, cnt, last_event_id, evidence, window_minutes, "
        "listener, host from lsnr_alert_episodes order by rule_id, alert_key, listener, host, first_time").rows
    episodes = [Episode(r[0], r[1], r[2], r[3], r[4], int(r[5]), None if r[6] is None else int(r[6]), r[7] or "",
                        float(r[8]), r[9], r[10]) for r in rows]
    assert len(episodes) >= 15 and len({e.rule_id for e in episodes}) >= 8, episodes
    assert len(result.touched) >= len({(e.rule_id, e.alert_key) for e in episodes})
    _run_both([], episodes, now)
    first = AlertStore()
    alerts_mod.merge_episodes(first, copy.deepcopy(episodes), now)
    later = [dataclasses.replace(e, first_time=e.first_time + dt.timedelta(minutes=30),
                                 last_time=e.last_time + dt.timedelta(minutes=30)) for e in episodes]
    _run_both(first.alerts, later, now)
    acknowledged = copy.deepcopy(first.alerts)
    for alert in acknowledged:
        alert.status = "acknowledged"
    _run_both(acknowledged, later + episodes, now)


# -- the alert tables filled in one statement ----------------------------------------------------


def test_insert_columns_stores_what_insert_rows_stores() -> None:
    # one INSERT of unnested column lists (alerts.insert_columns) against the engine's row-by-row
    # insert_rows, on awkward values: NULLs, '' , control and bidi characters, 4-byte UTF-8, a
    # 4000-byte evidence, huge ids, timestamps at the edges, repeated rows; same rows, same order
    from lsnrmine.engine.session import OfflineEngine
    from lsnrmine.settings import Settings

    engine = OfflineEngine(Settings())
    spec = ("rule_id VARCHAR, severity VARCHAR, alert_key VARCHAR, event_id BIGINT, event_time TIMESTAMP, "
            "evidence VARCHAR, listener VARCHAR, host VARCHAR")
    for table in ("by_rows", "by_columns"):
        engine.execute_duckdb(f"CREATE TABLE {table} ({spec})")
    rows = [
        ("PASSWORD_FAILURES", "high", "scott@pc1", 1, T0, "ORA-01017 from 10.0.0.1", "LISTENER", None),
        ("X", None, "", None, None, None, None, ""),
        ("CLIENT_HYGIENE", "low", "k\u202e\x00\x1b[31m", 2 ** 62, dt.datetime(1, 1, 1), "é" * 2000, "L", "h\x1b[0m"),
        ("R", "info", "\U0001f600" * 100, -5, dt.datetime(9999, 12, 31, 23, 59, 59), "'; drop table x; --",
         "LISTENER_SCAN1", "\U0001f600" * 255),
    ] * 3
    engine.insert_rows("by_rows", rows)
    alerts_mod.insert_columns(engine, "by_columns", alerts_mod._CANDIDATE_TYPES, rows)
    alerts_mod.insert_columns(engine, "by_columns", alerts_mod._CANDIDATE_TYPES, [])
    by_rows = engine.execute_duckdb("SELECT * FROM by_rows")
    assert engine.execute_duckdb("SELECT * FROM by_columns") == by_rows
    assert by_rows == [tuple(r) for r in rows]


def test_candidates_are_inserted_in_one_statement_per_rule() -> None:
    # the statement count does not grow with the rows: a real DuckDB connection, its statements
    # counted by a subclass of the engine
    from lsnrmine.engine.session import OfflineEngine
    from lsnrmine.settings import Settings

    class Counting(OfflineEngine):
        statements = 0

        def execute_duckdb(self, duckdb_sql, params=None):
            Counting.statements += 1
            return super().execute_duckdb(duckdb_sql, params)

    engine = Counting(Settings())
    engine.execute_duckdb("CREATE TABLE c (rule_id VARCHAR, severity VARCHAR, alert_key VARCHAR, event_id BIGINT, "
                          "event_time TIMESTAMP, evidence VARCHAR, listener VARCHAR, host VARCHAR)")
    Counting.statements = 0
    rows = [("R", "low", f"k{i}", i, T0 + dt.timedelta(seconds=i), "e", "LISTENER", f"n{i % 2}") for i in range(20_000)]
    alerts_mod.insert_columns(engine, "c", alerts_mod._CANDIDATE_TYPES, rows)
    assert Counting.statements == 1
    assert engine.execute_duckdb("SELECT count(*), count(DISTINCT alert_key), max(event_id) FROM c") == [(20_000, 20_000, 19_999)]
