"""Boundary cases of every alert rule (views/alert_r*.sql, views/alert_episodes.sql and the shipped
defaults of views/alert_rule_defaults.sql), one offline engine for the module.

tests/fixtures/boundaries/r<N>_*.log hold, per rule, cases exactly at its threshold and one below,
each return code and command the rule lists, each branch of its conditions, and its window
boundary (inside / outside by one second); each rule has its own day, so the rules' windows never
mix cases. tests/fixtures/boundaries/segments/ is one 19c log cut into segments
(listener_<n>.log, then listener.log): each segment ends with a record whose TNS- line opens the
next one, so those records carry their return code without the error text.

The module evaluates the rules once, as `lsnrmine alerts --log` does (installer/alerts.evaluate),
and asserts the candidate rows of each rule (per event: severity, key, evidence) and the alerts
(episodes). Rule settings other than the defaults (a window of 30 minutes, an allow-list, the
job's scan_from) are set in the engine's rules table and the rule's view is queried again: the
views are what the job runs, the rules table is what a DBA edits.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lsnrmine import alerts
from lsnrmine.engine.session import OfflineEngine
from lsnrmine.settings import Settings

BOUNDARIES = Path(__file__).resolve().parent / "fixtures" / "boundaries"
FILES = sorted(str(p) for p in BOUNDARIES.glob("r*.log")) + [
    str(BOUNDARIES / "segments" / f"listener_{n}.log") for n in range(1, 12)] + [
    str(BOUNDARIES / "segments" / "listener.log"), str(BOUNDARIES / "r7_storm.xml")]
# a listener name of 41 characters and a log.xml host_id of 60: the storm key keeps 40 and 59
LISTENER = "LISTENER_" + "P" * 32
STORM_KEY = f"{LISTENER[:40]}@-"
NOW = dt.datetime(2026, 1, 1, 12, 0, 0)

U49 = "svc_" + "a" * 45   # the long lines' CID USER (49 characters) and HOST (52)
H52 = "host-" + "b" * 47
KEY_LONG = f"{U49[:48]}@{H52[:51]}"


RULES = ("PASSWORD_FAILURES", "LOG_REDIRECTION", "ADMIN_RESTRICTED", "LISTENER_STOP", "TNS_POISON",
         "SID_ENUMERATION", "CONNECTION_STORM", "NEW_CLIENT_IP", "CLIENT_HYGIENE")


@dataclass
class Run:
    engine: OfflineEngine
    store: alerts.AlertStore
    candidates: list[tuple[Any, ...]]   # rule, file, line_no, severity, key, evidence
    raw: dict[tuple[str, int], str]     # (file, line_no) -> raw line


@pytest.fixture(scope="module")
def loaded() -> tuple[OfflineEngine, dict[tuple[str, int], str], dict[str, Run]]:
    engine = OfflineEngine(Settings(listener_name=LISTENER))
    engine.load(FILES, progress=False)
    engine.ensure_events()
    raw = {(r[0], r[1]): r[2] for r in engine.con.execute(
        "select regexp_replace(source, '.*/', ''), line_no, raw_line from lsnr_events").fetchall()}
    return engine, raw, {}


@pytest.fixture(scope="module")
def runs(loaded):
    """runs(rule): the rule evaluated once over the engine, as `lsnrmine alerts --log ... --rule-set
    <every other rule>.enabled=N` would (one rule per evaluation keeps a test of one rule fast)."""
    engine, raw, cache = loaded

    def get(rule: str) -> Run:
        if rule not in cache:
            store = alerts.AlertStore()
            others = [(r, "enabled", "N") for r in RULES if r != rule]
            result = alerts.evaluate(engine, store, now=NOW, overrides=others)
            assert result.failed_rules == []
            rows = engine.con.execute(
                "select c.rule_id, regexp_replace(v.source, '.*/', ''), v.line_no, c.severity, c.alert_key, "
                "c.evidence from lsnr_alert_candidates c join lsnr_events v on v.event_id = c.event_id").fetchall()
            assert {r[0] for r in rows} <= {rule}
            cache[rule] = Run(engine, store, rows, raw)
        return cache[rule]
    return get


def cands(run: Run, rule: str, file: str) -> list[tuple[int, str, str]]:
    return sorted((r[2], r[3], r[4]) for r in run.candidates if r[0] == rule and r[1] == file)


def evidence(run: Run, rule: str, file: str, line: int) -> str:
    found = [r[5] for r in run.candidates if r[0] == rule and r[1] == file and r[2] == line]
    assert len(found) == 1, found
    return found[0]


def alerts_of(run: Run, rule: str, day: str) -> list[tuple[str, str, str, str, int]]:
    return sorted((a.alert_key, a.severity, str(a.first_time), str(a.last_time), a.cnt)
                  for a in run.store.alerts if a.rule_id == rule and str(a.first_time).startswith(day))


VIEWS = {"PASSWORD_FAILURES": "lsnr_alert_r1_password", "LOG_REDIRECTION": "lsnr_alert_r2_redirect",
         "ADMIN_RESTRICTED": "lsnr_alert_r3_restricted", "LISTENER_STOP": "lsnr_alert_r4_stop",
         "TNS_POISON": "lsnr_alert_r5_poison", "SID_ENUMERATION": "lsnr_alert_r6_enumeration",
         "CONNECTION_STORM": "lsnr_alert_r7_storm", "NEW_CLIENT_IP": "lsnr_alert_r8_new_ip",
         "CLIENT_HYGIENE": "lsnr_alert_r9_hygiene"}


def view_rows(run: Run, rule: str, file: str, **changes: Any) -> list[tuple[int, str, str]]:
    """The rule's view with some columns of its rules-table row changed (then restored)."""
    con = run.engine.con
    columns = ", ".join(changes)
    before = con.execute(f"select {columns} from lsnr_alert_rules where rule_id = ?", [rule]).fetchone()
    try:
        for column, value in changes.items():
            con.execute(f"update lsnr_alert_rules set {column} = ? where rule_id = ?", [value, rule])
        return sorted(con.execute(
            f"select v.line_no, c.severity, c.alert_key from {VIEWS[rule]} c join lsnr_events v "
            "on v.event_id = c.event_id where regexp_replace(v.source, '.*/', '') = ?", [file]).fetchall())
    finally:
        for column, value in zip(changes, before):
            con.execute(f"update lsnr_alert_rules set {column} = ? where rule_id = ?", [value, rule])


# -- the shipped defaults ------------------------------------------------------------------------

def test_shipped_rule_values(loaded) -> None:
    rows = loaded[0].con.execute(
        "select rule_id, rule_no, enabled, threshold, window_minutes, severity, params from lsnr_alert_rule_defaults "
        "order by rule_no").fetchall()
    assert rows == [
        ("HEALTH", 0, "Y", 1.0, 60.0, "high", None),
        ("PASSWORD_FAILURES", 1, "Y", 3.0, 5.0, "high", None),
        ("LOG_REDIRECTION", 2, "Y", 1.0, 60.0, "high", None),
        ("ADMIN_RESTRICTED", 3, "Y", 1.0, 60.0, "medium", None),
        ("LISTENER_STOP", 4, "Y", 1.0, 60.0, "high", "oracle,grid"),
        ("TNS_POISON", 5, "Y", 1.0, 60.0, "critical", None),
        ("SID_ENUMERATION", 6, "Y", 5.0, 5.0, "high", None),
        ("CONNECTION_STORM", 7, "Y", 300.0, 10.0, "high", "10"),
        ("NEW_CLIENT_IP", 8, "Y", 7.0, 1440.0, "medium",
         r"^(10\.|172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.|127\.|::1$|[fF][eE][89aAbB][0-9a-fA-F]:|[fF][cCdD][0-9a-fA-F]{2}:)"),
        ("CLIENT_HYGIENE", 9, "Y", 1.0, 1440.0, "info", None),
    ]


# -- rule 6: SID / service enumeration (the two surviving mutants) --------------------------

def test_r6_five_names_within_exactly_five_minutes_by_sid_and_service_name_alert(runs) -> None:
    run = runs("SID_ENUMERATION")
    # A: ORCL, PROD, TEST by SID (12505) and PROD, DEV.example.com by SERVICE_NAME (12514), 75 s apart:
    # the first event sees 5 names ahead, the last 5 behind (exactly 300 s); 12514 counts as 12505 does
    # E: two names differing at their 200th character are two names
    assert cands(run, "SID_ENUMERATION", "r6_enumeration.log") == [
        (3, "high", "198.51.100.23"), (11, "high", "198.51.100.23"),
        (43, "high", "198.51.100.27"), (51, "high", "198.51.100.27"),
        # J: the same by SERVICE_NAME (I, equal in their first 200 characters, does not alert)
        (93, "high", "198.51.100.31"), (101, "high", "198.51.100.31"),
        # L (review 7c #1): the same names refused to a client whose PROGRAM makes its records'
        # split untrusted (a quote, then '(ADDRESS='): no client address, one key per listener@host
        (113, "high", "(address withheld)"), (121, "high", "(address withheld)"),
        # M (review 7d #1): the same names refused to a client whose CID holds an unquoted nested
        # (COMMAND=x): parsed as the command 'establish', still counted
        (123, "high", "198.51.100.44"), (131, "high", "198.51.100.44")]


def test_r6_evidence(runs) -> None:
    run = runs("SID_ENUMERATION")
    raw = run.raw[("r6_enumeration.log", 3)]
    assert evidence(run, "SID_ENUMERATION", "r6_enumeration.log", 3) == (
        f"unknown SID=ORCL (12505) from 198.51.100.23, 5 distinct names in the window: {raw}")
    raw = run.raw[("r6_enumeration.log", 51)]
    assert evidence(run, "SID_ENUMERATION", "r6_enumeration.log", 51) == (
        f"unknown SID={('S' * 199 + '2')[:96]} (12505) from 198.51.100.27, 5 distinct names in the window: "
        f"{raw[:500]}")
    raw = run.raw[("r6_enumeration.log", 101)]
    assert evidence(run, "SID_ENUMERATION", "r6_enumeration.log", 101) == (
        f"unknown SERVICE_NAME={'V' * 87} (12514) from 198.51.100.31, 5 distinct names in the window: {raw[:500]}")
    raw = run.raw[("r6_enumeration.log", 121)]
    assert evidence(run, "SID_ENUMERATION", "r6_enumeration.log", 121) == (
        "unknown SID=XE (12505) from (address withheld) (no trusted client address in these records), "
        f"5 distinct names in the window: {raw}")


def test_r6_below_threshold_outside_window_and_non_matching_lines_do_not_alert(runs) -> None:
    run = runs("SID_ENUMERATION")
    # B (4 names, one of them twice), C (5 names over 301 s), D (5 names, two equal in their first
    # 200 characters), F (the 5th refused 12519), G (IPC, no client IP): no candidate (asserted above)
    assert {line for line, _, _ in cands(run, "SID_ENUMERATION", "r6_enumeration.log")} == {3, 11, 43, 51, 93, 101, 113, 121, 123, 131}  # (K alerts only with a 30-minute window)


def test_r6_window_of_30_minutes_boundary(runs) -> None:
    run = runs("SID_ENUMERATION")
    # H: 5 names over 1801 s (one second more than 30 minutes): none; C (301 s) is inside 30 minutes
    rows = view_rows(run, "SID_ENUMERATION", "r6_enumeration.log", window_minutes=30)
    # H (1801 s): none; K (exactly 1800 s): first and last
    assert [r for r in rows if r[2] in ("198.51.100.29", "198.51.100.25", "198.51.100.32")] == [
        (23, "high", "198.51.100.25"), (31, "high", "198.51.100.25"),
        (103, "high", "198.51.100.32"), (111, "high", "198.51.100.32")]


def test_r6_threshold_four(runs) -> None:
    run = runs("SID_ENUMERATION")
    # B: 4 distinct names (5 lines) reach a threshold of 4, D too (4 names in their first 200)
    rows = view_rows(run, "SID_ENUMERATION", "r6_enumeration.log", threshold=4)
    assert {r[2] for r in rows} >= {"198.51.100.24", "198.51.100.26"}
    # B: TEST (line 17, 60 s) sees 3 names behind and 3 ahead: only the ends reach 4
    assert [r[0] for r in rows if r[2] == "198.51.100.24"] == [13, 15, 19, 21]
    rows = view_rows(run, "SID_ENUMERATION", "r6_enumeration.log", threshold=6)
    assert rows == []


# -- rule 1: password failures ---------------------------------------------------------------------

def test_r1_candidates_at_and_below_threshold_and_window(runs) -> None:
    run = runs("PASSWORD_FAILURES")
    assert cands(run, "PASSWORD_FAILURES", "r1_password.log") == [
        # A: 3 refusals (1190) of one user@host in exactly 300 s: first and last high
        (3, "high", "ananda@prolin01"), (5, "low", "ananda@prolin01"), (7, "high", "ananda@prolin01"),
        # B: 2 refusals (1169), one below the threshold
        (9, "low", "bhavin@prolin02"), (11, "low", "bhavin@prolin02"),
        # C: 3 refusals (1189) in 301 s: outside by one second
        (13, "low", "chen@prolin03"), (15, "low", "chen@prolin03"), (17, "low", "chen@prolin03"),
        # D: keyed by the client IP, whatever user it claims
        (19, "high", "192.0.2.10"), (21, "low", "192.0.2.10"), (23, "high", "192.0.2.10"),
        # E: three claimed users in 300 s (a rotating guesser): the count over all keys
        (25, "high", "eve1@h1"), (27, "low", "eve2@h2"), (29, "high", "eve3@h3"),
        # F: the same in 301 s
        (31, "low", "fay1@h1"), (33, "low", "fay2@h2"), (35, "low", "fay3@h3"),
        # the long lines (lines 37/38: a success and a 12508 refusal are no candidates)
        (40, "low", KEY_LONG), (42, "low", "192.0.2.11"),
        # G: 3 in 1801 s
        (44, "low", "gus@prolin04"), (46, "low", "gus@prolin04"), (48, "low", "gus@prolin04"),
        # H: 3 in exactly 1800 s
        (50, "low", "hal@prolin05"), (52, "low", "hal@prolin05"), (54, "low", "hal@prolin05"),
        # I: three claimed users in exactly 1800 s (the all-keys count at the 30-minute window)
        (56, "low", "ivy1@h6"), (58, "low", "ivy2@h7"), (60, "low", "ivy3@h8")]


def test_r1_return_codes_without_their_error_line(runs) -> None:
    run = runs("PASSWORD_FAILURES")
    # 19c segments: a refusal's TNS- line went into the next segment: 1169, 1189, 1190 by return code alone
    assert [cands(run, "PASSWORD_FAILURES", f"listener_{n}.log") for n in (1, 2, 3)] == [
        [(2, "low", "seg1@prolin09")], [(3, "low", "seg2@prolin09")], [(3, "low", "seg3@prolin09")]]
    assert [cands(run, "PASSWORD_FAILURES", f"listener_{n}.log") for n in range(4, 12)] == [[]] * 8


def test_r1_evidence_cuts_user_host_and_line(runs) -> None:
    run = runs("PASSWORD_FAILURES")
    raw = run.raw[("r1_password.log", 40)]
    assert len(raw) == 501
    assert evidence(run, "PASSWORD_FAILURES", "r1_password.log", 40) == f"stop refused (1190) for {KEY_LONG}: {raw[:500]}"
    raw = run.raw[("r1_password.log", 42)]
    assert evidence(run, "PASSWORD_FAILURES", "r1_password.log", 42) == (
        f"stop refused (1190) for {KEY_LONG} from 192.0.2.11: {raw[:500]}")


def test_r1_window_of_30_minutes_boundary(runs) -> None:
    run = runs("PASSWORD_FAILURES")
    rows = view_rows(run, "PASSWORD_FAILURES", "r1_password.log", window_minutes=30)
    # G (1801 s): outside by one second; H (exactly 1800 s): first and last reach 3
    assert [r for r in rows if r[2] in ("gus@prolin04", "hal@prolin05")] == [
        (44, "low", "gus@prolin04"), (46, "low", "gus@prolin04"), (48, "low", "gus@prolin04"),
        (50, "high", "hal@prolin05"), (52, "low", "hal@prolin05"), (54, "high", "hal@prolin05")]
    # I (three keys in exactly 1800 s): the count over all keys reaches 3 at the first and the last
    assert [r for r in rows if r[0] >= 56] == [(56, "high", "ivy1@h6"), (58, "low", "ivy2@h7"), (60, "high", "ivy3@h8")]
    rows = view_rows(run, "PASSWORD_FAILURES", "r1_password.log", threshold=2)
    assert [r for r in rows if r[2] in ("bhavin@prolin02", "fay2@h2")] == [
        (9, "high", "bhavin@prolin02"), (11, "high", "bhavin@prolin02"), (33, "high", "fay2@h2")]


def test_r1_alert_evidence_is_the_first_events_first_400_characters(runs) -> None:
    run = runs("PASSWORD_FAILURES")
    first = evidence(run, "PASSWORD_FAILURES", "r1_password.log", 40)
    assert len(first) > 401
    found = [a.evidence for a in run.store.alerts if a.alert_key == KEY_LONG]
    assert found == [first[:400]]


def test_r1_alerts(runs) -> None:
    run = runs("PASSWORD_FAILURES")
    assert alerts_of(run, "PASSWORD_FAILURES", "2011-02-07") == [
        ("192.0.2.10", "high", "2011-02-07 13:00:00", "2011-02-07 13:02:00", 3),
        ("192.0.2.11", "low", "2011-02-07 18:00:00", "2011-02-07 18:00:00", 1),
        ("ananda@prolin01", "high", "2011-02-07 10:00:00", "2011-02-07 10:05:00", 3),
        ("bhavin@prolin02", "low", "2011-02-07 11:00:00", "2011-02-07 11:01:00", 2),
        ("chen@prolin03", "low", "2011-02-07 12:00:00", "2011-02-07 12:05:01", 3),
        ("eve1@h1", "high", "2011-02-07 14:00:00", "2011-02-07 14:00:00", 1),
        ("eve2@h2", "low", "2011-02-07 14:02:30", "2011-02-07 14:02:30", 1),
        ("eve3@h3", "high", "2011-02-07 14:05:00", "2011-02-07 14:05:00", 1),
        ("fay1@h1", "low", "2011-02-07 15:00:00", "2011-02-07 15:00:00", 1),
        ("fay2@h2", "low", "2011-02-07 15:02:30", "2011-02-07 15:02:30", 1),
        ("fay3@h3", "low", "2011-02-07 15:05:01", "2011-02-07 15:05:01", 1),
        # G: gaps of 900 and 901 s exceed the 5-minute window: three alerts
        ("gus@prolin04", "low", "2011-02-07 19:00:00", "2011-02-07 19:00:00", 1),
        ("gus@prolin04", "low", "2011-02-07 19:15:00", "2011-02-07 19:15:00", 1),
        ("gus@prolin04", "low", "2011-02-07 19:30:01", "2011-02-07 19:30:01", 1),
        ("hal@prolin05", "low", "2011-02-07 20:00:00", "2011-02-07 20:00:00", 1),
        ("hal@prolin05", "low", "2011-02-07 20:15:00", "2011-02-07 20:15:00", 1),
        ("hal@prolin05", "low", "2011-02-07 20:30:00", "2011-02-07 20:30:00", 1),
        ("ivy1@h6", "low", "2011-02-07 22:00:00", "2011-02-07 22:00:00", 1),
        ("ivy2@h7", "low", "2011-02-07 22:15:00", "2011-02-07 22:15:00", 1),
        ("ivy3@h8", "low", "2011-02-07 22:30:00", "2011-02-07 22:30:00", 1),
        (KEY_LONG, "low", "2011-02-07 17:00:00", "2011-02-07 17:00:00", 1)]


# -- rule 2: log / trace redirection ---------------------------------------------------------------

def test_r2_every_listed_command_refused_high_success_critical(runs) -> None:
    run = runs("LOG_REDIRECTION")
    assert cands(run, "LOG_REDIRECTION", "r2_redirect.log") == [
        (3, "high", "ananda@prolin02"),    # log_file 1190
        (5, "high", "ananda@prolin02"),    # log_directory
        (7, "high", "ananda@prolin02"),    # trc_file
        (9, "high", "ananda@prolin02"),    # trc_directory
        (11, "high", "ananda@prolin02"),   # trc_level
        (13, "critical", "oraprol@prolin02"),  # log_file 0
        (17, "critical", KEY_LONG)]        # lines 14 (log_status) and 16 (status) are not listed
    raw = run.raw[("r2_redirect.log", 17)]
    assert evidence(run, "LOG_REDIRECTION", "r2_redirect.log", 17) == f"trc_level (0) by {KEY_LONG}: {raw[:500]}"
    assert evidence(run, "LOG_REDIRECTION", "r2_redirect.log", 3) == (
        f"log_file (1190) by ananda@prolin02: {run.raw[('r2_redirect.log', 3)]}")


def test_r2_alerts_one_episode_per_key_within_the_hour(runs) -> None:
    run = runs("LOG_REDIRECTION")
    assert alerts_of(run, "LOG_REDIRECTION", "2011-03-07") == [
        ("ananda@prolin02", "high", "2011-03-07 10:00:00", "2011-03-07 10:40:00", 5),
        ("oraprol@prolin02", "critical", "2011-03-07 12:00:00", "2011-03-07 12:00:00", 1),
        (KEY_LONG, "critical", "2011-03-07 13:00:00", "2011-03-07 13:00:00", 1)]


# -- rule 3: admin restrictions --------------------------------------------------------------------

def test_r3_candidates_and_episodes_at_the_window_boundary(runs) -> None:
    run = runs("ADMIN_RESTRICTED")
    assert cands(run, "ADMIN_RESTRICTED", "r3_restricted.log") == [
        (3, "medium", "-@-"), (5, "medium", "-@-"), (7, "medium", "-@-"), (11, "medium", KEY_LONG)]
    assert cands(run, "ADMIN_RESTRICTED", "listener_4.log") == [(3, "medium", "-@-")]
    # 10:00:00 and 11:00:00 (exactly the 60-minute window): one episode; 12:00:01 (one second more): another
    assert alerts_of(run, "ADMIN_RESTRICTED", "2011-04-04") == [
        ("-@-", "medium", "2011-04-04 10:00:00", "2011-04-04 11:00:00", 2),
        ("-@-", "medium", "2011-04-04 12:00:01", "2011-04-04 12:00:01", 1),
        (KEY_LONG, "medium", "2011-04-04 13:00:00", "2011-04-04 13:00:00", 1)]
    raw = run.raw[("r3_restricted.log", 11)]
    assert evidence(run, "ADMIN_RESTRICTED", "r3_restricted.log", 11) == f"trc_file refused (12508) for {KEY_LONG}: {raw[:500]}"
    assert evidence(run, "ADMIN_RESTRICTED", "r3_restricted.log", 3) == (
        f"trc_level refused (12508) for -@-: {run.raw[('r3_restricted.log', 3)]}")


# -- rule 4: stop / reload ------------------------------------------------------------------------

def test_r4_allow_list_success_info_refused_high_other_success_critical(runs) -> None:
    run = runs("LISTENER_STOP")
    assert cands(run, "LISTENER_STOP", "r4_stop.log") == [
        (3, "info", "oracle@prolin01"),    # stop 0 by oracle
        (4, "info", "GRID@prolin01"),      # reload 0 by GRID: case-insensitive
        (5, "high", "oracle@prolin01"),    # refused stop by oracle: the rule's severity
        (7, "high", "grid@prolin01"),      # refused reload by grid
        (9, "critical", "mallory@laptop7"),   # a successful stop outside the allow-list
        (10, "critical", "oracle2@laptop7"),  # not an element of the list
        (14, "critical", "u" * 48 + "@prolin01"), (15, "critical", "u" * 48 + "@prolin01"),
        (16, "critical", KEY_LONG)]
    raw = run.raw[("r4_stop.log", 16)]
    assert evidence(run, "LISTENER_STOP", "r4_stop.log", 16) == f"reload (0) by {KEY_LONG}: {raw[:500]}"


def test_r4_user_names_up_to_128_characters_are_compared(runs) -> None:
    run = runs("LISTENER_STOP")
    rows = view_rows(run, "LISTENER_STOP", "r4_stop.log",
                     params=f"oracle, {'u' * 128},{'u' * 129}")
    assert [r for r in rows if r[0] in (3, 4, 14, 15)] == [
        (3, "info", "oracle@prolin01"), (4, "critical", "GRID@prolin01"),
        (14, "info", "u" * 48 + "@prolin01"), (15, "critical", "u" * 48 + "@prolin01")]


def test_r4_alerts_take_the_highest_severity_of_the_episode(runs) -> None:
    run = runs("LISTENER_STOP")
    assert [a for a in alerts_of(run, "LISTENER_STOP", "2011-05-02") if a[0].startswith(("oracle@", "GRID@"))] == [
        ("GRID@prolin01", "info", "2011-05-02 10:05:00", "2011-05-02 10:05:00", 1),
        ("oracle@prolin01", "high", "2011-05-02 10:00:00", "2011-05-02 10:10:00", 2)]


# -- rule 5: TNS poison ---------------------------------------------------------------------------

REFUSED = "registration refused (no client address)"


def test_r5_remote_registrations_and_refusals(runs) -> None:
    run = runs("TNS_POISON")
    assert cands(run, "TNS_POISON", "r5_poison.log") == [
        (3, "critical", "203.0.113.50"),
        (8, "critical", "::ffff:203.0.113.51"),
        (9, "critical", "192.0.2.5"),          # the server's own addresses are unknown by default
        (10, "critical", "::ffff:192.0.2.6"),
        (14, "critical", REFUSED),             # 1182 (valid node checking)
        (16, "critical", REFUSED),             # 1185
        (18, "critical", "203.0.113.53"),      # 1185 with the client address
        (20, "critical", "oracle@evil3"),      # 1185 with the claimed CID only
        (22, "critical", "203.0.113.54"),      # a line of 501 characters
        (23, "critical", KEY_LONG),            # 1185 claimed by a 49-character USER and 52-character HOST
        (26, "critical", "203.0.113.56")]      # a remote connect carrying (COMMAND=service_register_NSGR)
    # line 25: a remote lsnrctl status (another command than service_register_NSGR) is not one
    assert "(COMMAND=status)" in run.raw[("r5_poison.log", 25)]
    assert [cands(run, "TNS_POISON", f"listener_{n}.log") for n in (5, 6)] == [
        [(3, "critical", REFUSED)], [(3, "critical", REFUSED)]]
    ev = {line: evidence(run, "TNS_POISON", "r5_poison.log", line) for line in (3, 14, 16)}
    assert ev == {3: f"service_register_NSGR from 203.0.113.50: {run.raw[('r5_poison.log', 3)]}",
                  14: f"registration refused by valid node checking (TNS-01182): {run.raw[('r5_poison.log', 14)]}",
                  16: f"registration from a remote node refused (TNS-01185): {run.raw[('r5_poison.log', 16)]}"}
    # line 26 echoes 'establish' as its event, but its CONNECT_DATA holds a (COMMAND=: a client's command
    # (review 7b #2), not a connect nor the service_register_NSGR command; only its CONNECT_DATA names
    # the registration
    assert run.engine.con.execute(
        "select event_kind, command from lsnr_events where source like '%r5_poison.log' and line_no = 26").fetchall() == [
        ("command", "establish")]
    assert evidence(run, "TNS_POISON", "r5_poison.log", 26) == (
        f"service_register_NSGR from 203.0.113.56: {run.raw[('r5_poison.log', 26)]}")
    raw = run.raw[("r5_poison.log", 22)]
    assert len(raw) == 501
    assert evidence(run, "TNS_POISON", "r5_poison.log", 22) == f"service_register_NSGR from 203.0.113.54: {raw[:500]}"


def test_r5_own_addresses_in_params_are_local(runs) -> None:
    run = runs("TNS_POISON")
    rows = view_rows(run, "TNS_POISON", "r5_poison.log", params="192.0.2.5, 192.0.2.6")
    assert [r[0] for r in rows] == [3, 8, 14, 16, 18, 20, 22, 23, 26]


# -- rule 7: connection storm ---------------------------------------------------------------------

def test_r7_storm_minutes_and_refusals(runs) -> None:
    run = runs("CONNECTION_STORM")
    rows = cands(run, "CONNECTION_STORM", "r7_storm.log")
    by_ip: dict[str, int] = {}
    for line, severity, key in rows:
        assert (severity, key) == ("high", STORM_KEY)
        ip = run.raw[("r7_storm.log", line)].split("(HOST=")[2].split(")")[0]
        by_ip[ip] = by_ip.get(ip, 0) + 1
    # 10.40.0.1: 299 in a minute (one below 300): none; .2: 300: all; .3: 30 after an hour of 60: all;
    # .4: 29 after 60: none; .5: 30 after 59: none; .6: 30 after 180 (not more than 10 x 3/min): none;
    # .7: 31 after 184 (more than 10 x 184/60): all; .8/.9: 10/9 (below 30): none;
    # 10.40.1.1: one refusal each for 12516, 12518, 12519, 12520, 1158 (12514 is not one); .2: a long 12519
    assert by_ip == {"10.40.0.2": 300, "10.40.0.3": 30, "10.40.0.7": 31, "10.40.1.1": 5, "10.40.1.2": 1}
    assert [cands(run, "CONNECTION_STORM", f"listener_{n}.log") for n in range(7, 12)] == [
        [(3, "high", STORM_KEY)]] * 5
    host = "db-prod-cluster-node-7.datacenter-west.example.internal.corp"
    assert len(host) == 60
    assert cands(run, "CONNECTION_STORM", "r7_storm.xml") == [(4, "high", f"{LISTENER[:40]}@{host[:59]}")]
    # at a threshold of 1 its minute (one establish) is a storm too: the minute's key is matched to the
    # establish by the same 59-character host
    assert view_rows(run, "CONNECTION_STORM", "r7_storm.xml", threshold=1) == [
        (4, "high", f"{LISTENER[:40]}@{host[:59]}")] * 2


def test_r7_evidence(runs) -> None:
    run = runs("CONNECTION_STORM")
    line = min(r[2] for r in run.candidates if r[0] == "CONNECTION_STORM" and r[1] == "r7_storm.log"
               and "10.40.0.3" in run.raw[("r7_storm.log", r[2])])
    assert evidence(run, "CONNECTION_STORM", "r7_storm.log", line) == (
        f"30 establishes in the minute from 2011-08-01 15:00 (trailing hour: 60): {run.raw[('r7_storm.log', line)]}")
    line = min(r[2] for r in run.candidates if r[0] == "CONNECTION_STORM" and r[1] == "r7_storm.log"
               and "10.40.1.1" in run.raw[("r7_storm.log", r[2])])
    assert evidence(run, "CONNECTION_STORM", "r7_storm.log", line) == (
        "refused: 12516 TNS-12516: TNS:listener could not find available handler with matching protocol stack: "
        f"{run.raw[('r7_storm.log', line)]}")
    # the last of the 300 (a line of 501 characters; no establish in the hour before)
    line = max(r[2] for r in run.candidates if r[0] == "CONNECTION_STORM" and r[1] == "r7_storm.log"
               and "10.40.0.2" in run.raw[("r7_storm.log", r[2])])
    raw = run.raw[("r7_storm.log", line)]
    assert len(raw) == 501
    assert evidence(run, "CONNECTION_STORM", "r7_storm.log", line) == (
        f"300 establishes in the minute from 2011-08-01 12:00 (trailing hour: 0): {raw[:500]}")
    # 12518 with its nested stack: error_text of 207 characters, the evidence keeps 200
    line = sorted(r[2] for r in run.candidates if r[0] == "CONNECTION_STORM" and r[1] == "r7_storm.log"
                  and "10.40.1.1" in run.raw[("r7_storm.log", r[2])])[1]
    stack = ("TNS-12518: TNS:listener could not hand off client connection | TNS-12564: TNS:connection refused | "
             "TNS-12560: TNS:protocol adapter error | TNS-00517: Lost contact | Linux Error: 104: Connection reset by peer")
    assert len(stack) == 207
    assert evidence(run, "CONNECTION_STORM", "r7_storm.log", line) == (
        f"refused: 12518 {stack[:200]}: {run.raw[('r7_storm.log', line)]}")
    # a refusal line of 501 characters: the evidence keeps 500
    raw = run.raw[("r7_storm.log", 1453)]
    assert len(raw) == 501 and "(HOST=10.40.1.2)" in raw
    assert evidence(run, "CONNECTION_STORM", "r7_storm.log", 1453) == (
        f"refused: 12519 TNS-12519: TNS:no appropriate service handler found: {raw[:500]}")


def test_r7_minimum_of_ten_per_minute_under_a_low_threshold(runs) -> None:
    run = runs("CONNECTION_STORM")
    # threshold 50, factor 5: a minute needs max(10, 5) = 10 establishes and more than 5 x hour/60
    rows = view_rows(run, "CONNECTION_STORM", "r7_storm.log", threshold=50, params="5")
    ips = {run.raw[("r7_storm.log", line)].split("(HOST=")[2].split(")")[0] for line, _, _ in rows}
    assert "10.40.0.8" in ips and "10.40.0.9" not in ips


# -- rule 8: new client IP -------------------------------------------------------------------------

def test_r8_learning_period_boundary_and_public_addresses(runs) -> None:
    run = runs("NEW_CLIENT_IP")
    assert cands(run, "NEW_CLIENT_IP", "r8_new_ip.log") == [
        (4, "high", "203.0.113.77"),        # public, even during learning
        (7, "medium", "10.1.1.3"),          # first seen exactly when learning ends (10.1.1.2: 1 s before)
        (8, "medium", "10.1.1.4"),          # twice in one second: the first only
        (10, "high", "203.0.113.77"),       # public again
        (11, "medium", "::ffff:10.1.1.9"),  # IPv4-mapped private
        (12, "high", "::ffff:203.0.113.78"),
        (14, "high", "203.0.113.79")]       # USER 49, HOST 52, PROGRAM 244 characters, line of 517
    raw = run.raw[("r8_new_ip.log", 7)]
    assert evidence(run, "NEW_CLIENT_IP", "r8_new_ip.log", 7) == f"new client IP 10.1.1.3 (svc@app3, java): {raw}"
    raw = run.raw[("r8_new_ip.log", 4)]
    assert evidence(run, "NEW_CLIENT_IP", "r8_new_ip.log", 4) == f"public client IP 203.0.113.77 (svc@app3, java): {raw}"
    # the evidence keeps 48 characters of USER, 51 of HOST, 100 of PROGRAM and 500 of the line
    raw = run.raw[("r8_new_ip.log", 14)]
    program = raw.split("(PROGRAM=")[1].split(")")[0]
    assert len(raw) > 501 and len(program) > 101
    assert evidence(run, "NEW_CLIENT_IP", "r8_new_ip.log", 14) == (
        f"public client IP 203.0.113.79 ({KEY_LONG}, {program[:100]}): {raw[:500]}")


# -- rule 9: client hygiene ------------------------------------------------------------------------

def test_r9_jdbc_by_sid_and_letter_case(runs) -> None:
    run = runs("CLIENT_HYGIENE")
    assert cands(run, "CLIENT_HYGIENE", "r9_hygiene.log") == [
        (3, "info", "10.30.0.1"),           # JDBC by SID (not: JDBC by service, sqlplus by SID)
        (6, "info", "10.30.0.4"),           # long SID
        (10, "info", "SERVICE_NAME=OMT"),   # omt (1 use) and Omt (2) besides OMT (3)
        (11, "info", "SERVICE_NAME=OMT"), (12, "info", "SERVICE_NAME=OMT"),
        (15, "info", "SERVICE_NAME=" + "K" * 87),   # kkk... (1) besides KKK... (2); SOLO has one spelling
        (18, "info", "10.30.0.8"),          # SID of 204 characters, a line of 586
        (21, "info", "SERVICE_NAME=" + "Q" * 87)]   # qqq... (170 characters, 1 use) besides QQQ... (2)
    raw = run.raw[("r9_hygiene.log", 3)]
    assert evidence(run, "CLIENT_HYGIENE", "r9_hygiene.log", 3) == (
        f"JDBC client 10.30.0.1 connects by SID=ROPRD1 instead of a service name: {raw}")
    # the evidence keeps 100 characters of the SID or service name and 500 of the line
    raw = run.raw[("r9_hygiene.log", 18)]
    sid = raw.split("(SID=")[1].split(")")[0]
    assert len(sid) > 101 and len(raw) > 501
    assert evidence(run, "CLIENT_HYGIENE", "r9_hygiene.log", 18) == (
        f"JDBC client 10.30.0.8 connects by SID={sid[:100]} instead of a service name: {raw[:500]}")
    raw = run.raw[("r9_hygiene.log", 21)]
    assert len(raw) > 501
    assert evidence(run, "CLIENT_HYGIENE", "r9_hygiene.log", 21) == (
        f"service name {'q' * 100} (1 uses) also spelled with another letter case (2 uses of the most used "
        f"spelling): {raw[:500]}")
    assert evidence(run, "CLIENT_HYGIENE", "r9_hygiene.log", 6) == (
        f"JDBC client 10.30.0.4 connects by SID={'R' * 100} instead of a service name: {run.raw[('r9_hygiene.log', 6)]}")
    assert evidence(run, "CLIENT_HYGIENE", "r9_hygiene.log", 10) == (
        "service name omt (1 uses) also spelled with another letter case (3 uses of the most used spelling): "
        f"{run.raw[('r9_hygiene.log', 10)]}")
    assert evidence(run, "CLIENT_HYGIENE", "r9_hygiene.log", 15) == (
        f"service name {'k' * 88} (1 uses) also spelled with another letter case (2 uses of the most used "
        f"spelling): {run.raw[('r9_hygiene.log', 15)]}")


def test_r9_spellings_are_counted_from_scan_from_inclusive(runs) -> None:
    run = runs("CLIENT_HYGIENE")
    # from 11:00:03 (line 10, omt) on: omt 1 use, Omt 2 (OMT's 3 uses are before), so only omt is
    # another spelling; the K names (12:00) and Q names (14:00) are all counted; the JDBC-by-SID
    # lines 3 and 6 are before, line 18 after
    rows = view_rows(run, "CLIENT_HYGIENE", "r9_hygiene.log", scan_from=dt.datetime(2011, 10, 3, 11, 0, 3))
    assert rows == [(10, "info", "SERVICE_NAME=OMT"), (15, "info", "SERVICE_NAME=" + "K" * 87),
                    (18, "info", "10.30.0.8"), (21, "info", "SERVICE_NAME=" + "Q" * 87)]


# -- the job's scan_from: only events from it on (the storm rule reads the hour before) ----------

@pytest.mark.parametrize(("rule", "file", "scan_from", "first_line"), [
    ("PASSWORD_FAILURES", "r1_password.log", "2011-02-07 10:02:30", 5),
    ("LOG_REDIRECTION", "r2_redirect.log", "2011-03-07 10:10:00", 5),
    ("ADMIN_RESTRICTED", "r3_restricted.log", "2011-04-04 11:00:00", 5),
    ("LISTENER_STOP", "r4_stop.log", "2011-05-02 10:05:00", 4),
    ("TNS_POISON", "r5_poison.log", "2011-06-06 10:05:00", 8),
    ("SID_ENUMERATION", "r6_enumeration.log", "2011-07-04 10:00:00", 3),
    ("NEW_CLIENT_IP", "r8_new_ip.log", "2001-01-08 00:00:00", 7),
    ("CLIENT_HYGIENE", "r9_hygiene.log", "2011-10-03 10:00:03", 6),
])
def test_scan_from_is_inclusive(runs, rule: str, file: str, scan_from: str, first_line: int) -> None:
    run = runs(rule)
    rows = view_rows(run, rule, file, scan_from=dt.datetime.fromisoformat(scan_from))
    assert rows and min(r[0] for r in rows) == first_line


def test_r7_scan_from_is_inclusive_and_reads_the_trailing_hour(runs) -> None:
    run = runs("CONNECTION_STORM")
    # from 15:00:00 on, the hour before (14:00:00 .. 14:59:00, 60 establishes) is still the baseline
    rows = view_rows(run, "CONNECTION_STORM", "r7_storm.log", scan_from=dt.datetime(2011, 8, 1, 15, 0, 0))
    ips = [run.raw[("r7_storm.log", line)].split("(HOST=")[2].split(")")[0] for line, _, _ in rows]
    assert ips.count("10.40.0.3") == 30
    # scan_from inside a minute (the job's scan_from is the first new event's time minus the window, any
    # second): the trailing hour of that minute is still read whole, from 14:00:00 (60 establishes);
    # the 14 establishes of 15:00:31 .. 15:00:57 are from scan_from on
    rows = view_rows(run, "CONNECTION_STORM", "r7_storm.log", scan_from=dt.datetime(2011, 8, 1, 15, 0, 30))
    lines = [line for line, _, _ in rows if "(HOST=10.40.0.3)" in run.raw[("r7_storm.log", line)]]
    assert [run.raw[("r7_storm.log", line)][12:20] for line in lines] == [f"15:00:{s}" for s in range(31, 58, 2)]
    # the refusals: from scan_from inclusive (10:02:00 is the 12519 refusal)
    rows = view_rows(run, "CONNECTION_STORM", "r7_storm.log", scan_from=dt.datetime(2011, 8, 3, 10, 2, 0))
    assert [line for line, _, _ in rows] == [1445, 1447, 1449, 1453]


# -- alert_episodes: a second run over the same events adds nothing ----------------------------

@pytest.mark.parametrize("rule", ["PASSWORD_FAILURES", "ADMIN_RESTRICTED"])
def test_episodes_rerun_with_the_store_adds_nothing(runs, rule: str) -> None:
    run = runs(rule)
    store = copy.deepcopy(run.store)
    before = [a.to_json() for a in store.alerts]
    result = alerts.evaluate(run.engine, store, now=NOW + dt.timedelta(hours=1),
                             overrides=[(r, "enabled", "N") for r in RULES if r != rule])
    assert result.touched == []
    assert [a.to_json() for a in store.alerts] == before


def test_episodes_rerun_of_one_key_adds_nothing(runs) -> None:
    # a run whose candidates all have one key (from scan_from 2011-12-05 11:00:00 on, the last 19c
    # segment's refused stop): the key's alert is still found in the store, its failure not counted twice
    run = runs("PASSWORD_FAILURES")
    store = copy.deepcopy(run.store)
    before = [a.to_json() for a in store.alerts]
    result = alerts.evaluate(run.engine, store, now=NOW + dt.timedelta(hours=1),
                             overrides=[(r, "enabled", "N") for r in RULES if r != "PASSWORD_FAILURES"]
                             + [("PASSWORD_FAILURES", "scan_from", dt.datetime(2011, 12, 5, 11, 0, 0))])
    assert result.candidates == {"PASSWORD_FAILURES": 1}
    assert result.touched == []
    assert [a.to_json() for a in store.alerts] == before


def test_episodes_the_next_run_takes_the_events_after_the_stores_last_event(runs) -> None:
    # the store as a run that stopped after the first of the six establishes of 12:00:00 left it: the
    # storm alert of 2011-08-01 12:00 ends there, the key's later alerts are not there yet; the next
    # run counts the other five of 12:00:00 and everything after once
    run = runs("CONNECTION_STORM")

    def key_alerts(store: alerts.AlertStore) -> list[tuple[Any, ...]]:
        return sorted((a.severity, a.first_time, a.last_time, a.cnt, a.last_event_id, a.evidence)
                      for a in store.alerts if a.alert_key == STORM_KEY)

    full = key_alerts(run.store)
    store = copy.deepcopy(run.store)
    noon = dt.datetime(2011, 8, 1, 12, 0, 0)
    first = [a for a in store.alerts if a.alert_key == STORM_KEY and a.first_time == noon]
    assert len(first) == 1 and first[0].cnt == 300
    at_noon = run.engine.con.execute(
        "select e.event_id from lsnr_events e where regexp_replace(e.source, '.*/', '') = 'r7_storm.log' "
        "and e.event_time = ? order by e.event_id", [noon]).fetchall()
    assert len(at_noon) == 6
    first[0].last_time, first[0].last_event_id, first[0].cnt = noon, at_noon[0][0], 1
    store.alerts = [a for a in store.alerts if not (a.alert_key == STORM_KEY and a.first_time > noon)]
    alerts.evaluate(run.engine, store, now=NOW + dt.timedelta(hours=1),
                    overrides=[(r, "enabled", "N") for r in RULES if r != "CONNECTION_STORM"])
    assert key_alerts(store) == full
