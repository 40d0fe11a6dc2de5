"""Alert rules per listener and host (issue 22): the logs of two nodes and of two listeners of one
node in one offline run, each file in its ADR home (``diag/tnslsnr/<host>/<listener>/trace/``),
whose path labels its events (engine.reading.file_labels), as ``lsnrmine alerts --log`` over a
copied diag tree does.

The rules that count (password failures, storms, letter-case spellings) count per listener and
host: the same storm split across two hosts does not add up into one storm, two listeners'
password failures of one client are counted apart, and every alert names its listener and host.
One listener and no host behaves as before issue 22 (same alerts, same keys), a state file
written before the listener and host columns existed keeps extending its alerts, and the SQL
that carries listener and host into the alert table, the mail and the alert log is checked on
the rendered install (the gate: tests/test_alerts.py).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from lsnrmine import alerts as alerts_mod
from lsnrmine.cli import main
from lsnrmine.engine.session import OfflineEngine
from lsnrmine.settings import Settings

NOW = dt.datetime(2026, 12, 3, 12, 0, 0)
# two FQDNs equal in their first 59 characters: the storm key (listener@host) keeps 59 of a host
LONG_A = "dbnode-frankfurt-west.production-database-tier.example-corp.internal-a"
LONG_B = "dbnode-frankfurt-west.production-database-tier.example-corp.internal-b"
assert LONG_A[:59] == LONG_B[:59] and LONG_A != LONG_B


def _establish(stamp: str, ip: str, port: int, code: int = 0, service: str = "PROSVC") -> list[str]:
    line = (f"{stamp} * (CONNECT_DATA=(SERVICE_NAME={service})(CID=(PROGRAM=httpd)(HOST=app1)(USER=www))) * "
            f"(ADDRESS=(PROTOCOL=tcp)(HOST={ip})(PORT={port})) * establish * {service} * {code}")
    return [line] if code == 0 else [line, "TNS-12519: TNS:no appropriate service handler found"]


def _stop_refused(stamp: str, user: str, client: str) -> list[str]:
    return [f"{stamp} * (CONNECT_DATA=(CID=(PROGRAM=)(HOST={client})(USER={user}))(COMMAND=stop)(ARGUMENTS=64)"
            f"(SERVICE=LISTENER)(VERSION=318767104)) * stop * 1190",
            "TNS-01190: The user is not authorized to execute the requested listener command"]


def _burst(minute: str, ip: str, count: int, port: int) -> list[str]:
    out: list[str] = []
    for i in range(count):
        out += _establish(f"05-MAR-2013 {minute}:{i:02d}", ip, port + i)
    return out


def _write(root: Path, host: str, listener: str, lines: list[str]) -> str:
    """``lines`` as ``<root>/<host>/diag/tnslsnr/<host>/<listener>/trace/<listener>.log``, after the
    lines a 19c listener writes when it starts."""
    trace = root / host / "diag" / "tnslsnr" / host / listener / "trace"
    trace.mkdir(parents=True, exist_ok=True)
    path = trace / f"{listener}.log"
    start = ["Tue Mar 05 09:00:00 2013",
             "System parameter file is /u01/app/oracle/product/19.0.0/dbhome_1/network/admin/listener.ora",
             f"Log messages written to /u01/app/oracle/diag/tnslsnr/{host}/{listener}/alert/log.xml"]
    path.write_text("\n".join(start + lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> dict[str, list[str]]:
    root = tmp_path_factory.mktemp("diag")
    logs: dict[str, list[str]] = {}
    # password failures of one OS user from one workstation: two on LISTENER, one on LISTENER_DG
    # (threshold 3 in 5 minutes: no listener reaches it), later three on LISTENER_DG (high)
    password_l1 = (_stop_refused("05-MAR-2013 13:45:06", "ananda", "adminws")
                   + _stop_refused("05-MAR-2013 13:45:37", "ananda", "adminws"))
    password_dg = (_stop_refused("05-MAR-2013 13:46:01", "ananda", "adminws")
                   + _stop_refused("05-MAR-2013 15:00:01", "ananda", "adminws")
                   + _stop_refused("05-MAR-2013 15:00:21", "ananda", "adminws")
                   + _stop_refused("05-MAR-2013 15:00:41", "ananda", "adminws"))
    # establishes: 4 + 4 in minute 10:00 on node1 and node2 (8 together, threshold 6), then 6 on
    # node2 in minute 10:05 (a storm of node2); the same on two hosts whose names share 59
    # characters (minute 11:00 split, 11:05 a storm of LONG_B)
    logs["password"] = [_write(root / "password", "racnode1", "listener", password_l1),
                        _write(root / "password", "racnode1", "listener_dg", password_dg)]
    logs["storm"] = [_write(root / "storm", "racnode1", "listener", _burst("10:00", "10.20.1.11", 4, 41000)),
                     _write(root / "storm", "racnode2", "listener", _burst("10:00", "10.20.1.12", 4, 42000)
                            + _burst("10:05", "10.20.1.12", 6, 42100))]
    # the article's omt / OMT: LISTENER hears omt three times and OMT once (the odd spelling),
    # LISTENER_DG hears OMT only (three times: together OMT would be as used as omt)
    logs["hygiene"] = [_write(root / "hygiene", "racnode1", "listener",
                              [line for i, svc in enumerate(("omt", "omt", "OMT", "omt"))
                               for line in _establish(f"05-MAR-2013 16:0{i}:00", "10.20.1.31", 45000 + i, service=svc)]),
                       _write(root / "hygiene", "racnode1", "listener_dg",
                              [line for i in range(2)
                               for line in _establish(f"05-MAR-2013 16:1{i}:00", "10.20.1.32", 46000 + i, service="OMT")])]
    logs["long"] = [_write(root / "long", LONG_A, "listener", _burst("11:00", "10.20.1.21", 4, 43000)),
                    _write(root / "long", LONG_B, "listener", _burst("11:00", "10.20.1.22", 4, 44000)
                           + _burst("11:05", "10.20.1.22", 6, 44100))]
    return logs


def _evaluate(paths: list[str], *rule_sets: str, store: alerts_mod.AlertStore | None = None
              ) -> tuple[OfflineEngine, alerts_mod.AlertStore, alerts_mod.RunResult]:
    engine = OfflineEngine(Settings())
    engine.load(paths, progress=False)
    store = store or alerts_mod.AlertStore()
    result = alerts_mod.evaluate(engine, store, now=NOW, overrides=alerts_mod.parse_rule_overrides(rule_sets))
    assert result.failed_rules == []
    return engine, store, result


def _of(store: alerts_mod.AlertStore, rule: str) -> list[tuple]:
    return sorted((a.alert_key, a.listener or "", a.host or "", a.severity, a.cnt, str(a.first_time), str(a.last_time))
                  for a in store.alerts if a.rule_id == rule)


def test_the_events_carry_the_listener_and_host_of_their_adr_home(tree) -> None:
    engine, _, _ = _evaluate(tree["password"] + tree["storm"])
    rows = engine.con.execute("select listener, host, count(*) from lsnr_events group by all order by all").fetchall()
    # each file: its two start lines (events of kind other) and its records
    assert rows == [("LISTENER", "racnode1", 2 + 2 + 2 + 4), ("LISTENER", "racnode2", 2 + 10),
                    ("LISTENER_DG", "racnode1", 2 + 4)]


def test_two_listeners_password_failures_are_counted_apart(tree) -> None:
    engine, store, _ = _evaluate(tree["password"])
    candidates = engine.con.execute(
        "select strftime(event_time, '%H:%M:%S'), severity, alert_key, listener, host from lsnr_alert_candidates "
        "where rule_id = 'PASSWORD_FAILURES' order by event_time").fetchall()
    # three failures of ananda@adminws within 5 minutes, but two on one listener and one on the
    # other: none reaches the threshold (3); the three on LISTENER_DG at 15:00 do (the first has
    # three in the 5 minutes after it, the last three before it, the middle one two either way)
    assert candidates == [
        ("13:45:06", "low", "ananda@adminws", "LISTENER", "racnode1"),
        ("13:45:37", "low", "ananda@adminws", "LISTENER", "racnode1"),
        ("13:46:01", "low", "ananda@adminws", "LISTENER_DG", "racnode1"),
        ("15:00:01", "high", "ananda@adminws", "LISTENER_DG", "racnode1"),
        ("15:00:21", "low", "ananda@adminws", "LISTENER_DG", "racnode1"),
        ("15:00:41", "high", "ananda@adminws", "LISTENER_DG", "racnode1"),
    ]
    # one key, three alerts: per listener (the 13:46 failure does not extend LISTENER's alert)
    assert _of(store, "PASSWORD_FAILURES") == [
        ("ananda@adminws", "LISTENER", "racnode1", "low", 2, "2013-03-05 13:45:06", "2013-03-05 13:45:37"),
        ("ananda@adminws", "LISTENER_DG", "racnode1", "high", 3, "2013-03-05 15:00:01", "2013-03-05 15:00:41"),
        ("ananda@adminws", "LISTENER_DG", "racnode1", "low", 1, "2013-03-05 13:46:01", "2013-03-05 13:46:01"),
    ]


def test_connection_storm_split_across_two_hosts_is_no_storm(tree) -> None:
    _, store, _ = _evaluate(tree["storm"], "CONNECTION_STORM.threshold=6")
    # 4 + 4 establishes in minute 10:00 on two nodes: no storm; 6 on racnode2 at 10:05: its storm
    assert _of(store, "CONNECTION_STORM") == [
        ("LISTENER@racnode2", "LISTENER", "racnode2", "high", 6, "2013-03-05 10:05:00", "2013-03-05 10:05:05"),
    ]


def test_connection_storm_of_hosts_sharing_the_cut_key_counted_apart(tree) -> None:
    # both hosts give the key LISTENER@<first 59 characters>: the count is per host all the same,
    # and the alert names the whole host of the storm
    _, store, _ = _evaluate(tree["long"], "CONNECTION_STORM.threshold=6")
    assert _of(store, "CONNECTION_STORM") == [
        (f"LISTENER@{LONG_A[:59]}", "LISTENER", LONG_B, "high", 6, "2013-03-05 11:05:00", "2013-03-05 11:05:05"),
    ]


def test_client_hygiene_spellings_are_counted_per_listener(tree) -> None:
    engine, store, _ = _evaluate(tree["hygiene"])
    rows = engine.con.execute(
        "select strftime(event_time, '%H:%M'), alert_key, listener, host from lsnr_alert_candidates "
        "where rule_id = 'CLIENT_HYGIENE' order by event_time").fetchall()
    # on LISTENER the odd spelling is OMT (1 use against 3); LISTENER_DG has one spelling only
    assert rows == [("16:02", "SERVICE_NAME=OMT", "LISTENER", "racnode1")]
    assert [(a.listener, a.host, a.cnt) for a in store.alerts if a.rule_id == "CLIENT_HYGIENE"] == [
        ("LISTENER", "racnode1", 1)]


def test_the_cli_names_listener_and_host(tree, capsys, clean_env) -> None:
    code = main(["alerts", "--quiet", "--format", "json", "--rule-set", "CONNECTION_STORM.threshold=6",
                 "--rule", "CONNECTION_STORM", "--rule", "PASSWORD_FAILURES",
                 *[arg for path in tree["password"] + tree["storm"] for arg in ("--log", path)]])
    out, _ = capsys.readouterr()
    assert code == 0
    rows = json.loads(out)
    assert list(rows[0]) == list(alerts_mod.DISPLAY_COLUMNS)
    assert sorted((r["RULE"], r["KEY"], r["LISTENER"], r["HOST"], r["SEVERITY"], r["COUNT"]) for r in rows) == [
        ("CONNECTION_STORM", "LISTENER@racnode2", "LISTENER", "racnode2", "high", 6),
        ("PASSWORD_FAILURES", "ananda@adminws", "LISTENER", "racnode1", "low", 2),
        ("PASSWORD_FAILURES", "ananda@adminws", "LISTENER_DG", "racnode1", "high", 3),
        ("PASSWORD_FAILURES", "ananda@adminws", "LISTENER_DG", "racnode1", "low", 1),
    ]


def test_password_failures_burst_continues_per_listener_across_runs(tree, tmp_path) -> None:
    # the store keeps an alert per (rule, key, listener, host): the next run's failures of the same
    # key on LISTENER_DG extend LISTENER_DG's alert, never LISTENER's
    _, store, _ = _evaluate(tree["password"][:1])
    assert _of(store, "PASSWORD_FAILURES") == [
        ("ananda@adminws", "LISTENER", "racnode1", "low", 2, "2013-03-05 13:45:06", "2013-03-05 13:45:37")]
    _, store, _ = _evaluate(tree["password"][1:], store=store)
    assert _of(store, "PASSWORD_FAILURES") == [
        ("ananda@adminws", "LISTENER", "racnode1", "low", 2, "2013-03-05 13:45:06", "2013-03-05 13:45:37"),
        ("ananda@adminws", "LISTENER_DG", "racnode1", "high", 3, "2013-03-05 15:00:01", "2013-03-05 15:00:41"),
        ("ananda@adminws", "LISTENER_DG", "racnode1", "low", 1, "2013-03-05 13:46:01", "2013-03-05 13:46:01"),
    ]


def test_password_failures_one_listener_without_host_keeps_keys_and_old_state(tmp_path) -> None:
    # a listener.log outside an ADR home: the settings' listener, no host, the keys of before
    log = Path(__file__).resolve().parent / "fixtures" / "alerts" / "password_burst.log"
    engine, store, _ = _evaluate([str(log)])
    assert _of(store, "PASSWORD_FAILURES") == [
        ("ananda@prolin01", "LISTENER", "", "high", 5, "2005-11-06 13:45:06", "2005-11-06 13:47:05")]
    # the same alert in a state file written before listener and host existed: the next run's
    # failures (the same burst, a minute on) extend it instead of opening a second alert
    old = next(a for a in store.alerts if a.rule_id == "PASSWORD_FAILURES").to_json()
    del old["listener"], old["host"]
    (second,), = engine.con.execute(
        "select event_id from lsnr_events where event_time = timestamp '2005-11-06 13:45:37'").fetchall()
    old["cnt"], old["last_time"], old["last_event_id"] = 2, "2005-11-06 13:45:37", second
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": alerts_mod.STATE_VERSION, "alerts": [old]}), encoding="utf-8")
    loaded = alerts_mod.AlertStore.load(state)
    assert [(a.rule_id, a.listener, a.cnt) for a in loaded.alerts] == [("PASSWORD_FAILURES", None, 2)]
    alerts_mod.evaluate(engine, loaded, now=NOW)
    # its three later failures (after 13:45:37, the alert's last event) added: one alert, 2 + 3
    assert _of(loaded, "PASSWORD_FAILURES") == [
        ("ananda@prolin01", "LISTENER", "", "high", 5, "2005-11-06 13:45:06", "2005-11-06 13:47:05")]


def test_the_install_carries_listener_and_host_to_the_table_mail_and_alert_log() -> None:
    # nothing runs on Oracle here: the rendered install (which the gate checks, tests/test_alerts.py)
    # holds each step, and the live suite runs it
    from lsnrmine.render import render_scripts

    rendered = render_scripts(Settings(mail_host="smtp.example.com", mail_sender="dba@example.com",
                                       mail_recipients=("ops@example.com",), alert_log=True))
    scripts = {name.split("_", 1)[1]: text for name, text in rendered.items() if name[:1].isdigit()}
    table, candidates, package = (scripts["lsnr_alerts.sql"], scripts["lsnr_alert_candidates.sql"],
                                  scripts["lsnr_alert_pkg.sql"])
    assert "  listener           varchar2(128 char),\n  host               varchar2(255 char),\n" in table
    # upgrade: the columns added once, each alert given its last event's listener and host
    assert "add (listener varchar2(128 char), host varchar2(255 char))';" in table
    assert "set a.listener = (select e.listener from \"LSNR_EVENTS\" e where e.event_id = a.last_event_id)" in table
    # the scratch table without the columns is created again (both DDLs hold them)
    assert candidates.count("  listener    varchar2(128 char),\n  host        varchar2(255 char)\n) on commit") == 2
    assert "column_name in ('LISTENER', 'HOST')" in candidates
    # copied cut to the columns' characters; a six-column user view: NULLs after ORA-00904
    assert "'substr(listener, 1, ' || co_listener_chars || '), substr(host, 1, ' || co_host_chars || ')'" in package
    assert "when e_invalid_identifier then\n            execute immediate l_insert || 'null, null' || l_from" in package
    # one alert per rule, key, listener and host; NULL matches NULL
    assert ("and alert_key = in_key\n         -- DECODE: NULL matches NULL (an alert of events without a host)\n"
            "         and decode(listener, in_listener, 1) = 1\n         and decode(host, in_host, 1) = 1") in package
    assert "order by rule_id, alert_key, listener, host, first_time" in package
    # named in the mail and the alert log, cleaned like the key (the host can be log text)
    assert "' listener=' || one_line(a.listener, 128)" in package and "' host=' || one_line(a.host, 255)" in package
    assert "' listener=' || one_line(a.listener, 64)" in package and "' host=' || one_line(a.host, 100)" in package
    assert "a.listener" not in package.replace("one_line(a.listener", "").replace("a.listener is not null", "")
    assert "a.host" not in package.replace("one_line(a.host", "").replace("a.host is not null", "")


def test_the_upgrade_fill_runs_once_and_again_only_after_a_failed_install() -> None:
    # review 7b, finding 7: the ALTER's DDL commits on its own; a fill inside its ORA-01430 block was
    # lost for good when it failed once (the next install skips the block). It is a statement of its
    # own after the block. Review 7c, finding 4: run at every install it gave alerts a six-column
    # user rule view wrote later (listener, host NULL) their event's values, so their next candidate
    # (NULL, NULL) opened and mailed a new alert after each install. The settings row
    # ALERTS_LISTENER_FILLED, inserted after the fill and committed with it, makes it one-time.
    # Run here on DuckDB over the rendered text (DuckDB takes no alias before a SET column: only
    # `a.` there is dropped; DUAL is a one-row table as in Oracle).
    import duckdb  # reason: heavy

    from lsnrmine.render import render_scripts
    from lsnrmine.runner import split_script

    table = next(text for name, text in render_scripts(Settings()).items() if name.endswith("_lsnr_alerts.sql"))
    statements = split_script(table)
    block = next(st for st in statements if "add (listener varchar2(128 char)" in st)
    assert "update" not in block.lower() and "commit" not in block.lower()
    fill = next(st for st in statements if st.lstrip().lower().startswith("update \"lsnr_alerts\" a"))
    at = statements.index(fill)
    marker = statements[at + 1]
    # fill, then the marker, then one commit: an install stopped between them leaves no marker
    assert at > statements.index(block) and statements[at + 2].strip() == "commit"
    assert marker.lstrip().lower().startswith('insert into "lsnr_settings" (name, value, description)')
    con = duckdb.connect()
    con.execute("create table dual (dummy varchar)")
    con.execute("insert into dual values ('X')")
    con.execute('create table "LSNR_SETTINGS" (name varchar primary key, value varchar, description varchar)')
    con.execute('create table "LSNR_EVENTS" (event_id integer, listener varchar, host varchar)')
    con.execute('create table "LSNR_ALERTS" (alert_id integer, last_event_id integer, listener varchar, host varchar)')
    con.execute("""insert into "LSNR_EVENTS" values (1, 'LISTENER', 'rac1'), (2, 'LISTENER_SCAN1', null),
                   (3, 'LISTENER', 'rac2')""")
    con.execute("""insert into "LSNR_ALERTS" values
                   (10, 1, null, null),               -- from before the columns: filled
                   (11, 2, null, null),               -- its event has no host: listener only
                   (12, 3, 'LISTENER', 'rac1'),       -- written by the new package: kept
                   (13, 99, null, null),              -- its event purged: stays NULL
                   (14, null, null, null)""")        # no event: stays NULL
    sql = fill.replace("set a.listener =", "set listener =").replace("a.host = (select", "host = (select")
    expected = [(10, "LISTENER", "rac1"), (11, "LISTENER_SCAN1", None), (12, "LISTENER", "rac1"),
                (13, None, None), (14, None, None)]
    alerts = 'select alert_id, listener, host from "LSNR_ALERTS" order by 1'
    markers = 'select name, value from "LSNR_SETTINGS"'

    # an install whose fill ran but stopped before the marker's commit (its transaction rolled back)
    con.execute("begin transaction")
    con.execute(sql)
    con.execute("rollback")
    assert con.execute(markers).fetchall() == [] and con.execute(alerts).fetchall()[0] == (10, None, None)
    # the next install fills and marks
    con.execute("begin transaction")
    con.execute(sql)
    con.execute(marker)
    con.execute("commit")
    assert con.execute(alerts).fetchall() == expected
    assert con.execute(markers).fetchall() == [("ALERTS_LISTENER_FILLED", "Y")]
    # an alert of a six-column user rule view, written after the upgrade: kept NULL by later installs
    con.execute("""insert into "LSNR_ALERTS" values (15, 3, null, null)""")
    for _ in range(2):
        con.execute(sql)
        con.execute(marker)  # no second row (the primary key would refuse one)
        assert con.execute(alerts).fetchall() == [*expected, (15, None, None)]
        assert con.execute(markers).fetchall() == [("ALERTS_LISTENER_FILLED", "Y")]
