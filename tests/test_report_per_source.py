"""Issue 22: `lsnrmine report NAME --per-source` through the CLI on real logs: the report once per
(host, listener) pair of the period's events, each row led by HOST and LISTENER. On the two-node RAC
fixture (tests/fixtures/rac) every pair's rows are the report run with that pair's --host/--listener,
and a count report's per-pair counts add up to the unrestricted report; a log without a host gives
one pair with an empty HOST; a report without listener/host columns is refused in one line."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO_ROOT as REPO
from lsnrmine import report_catalogue
from test_rac import TEXT_LOGS, csv_rows, log_args, lsnrmine

SAMPLE = REPO / "installer" / "samples" / "listener.log"
RAC_ARGS = log_args(TEXT_LOGS)


def per_source(name: str, *args: str, cwd: Path, fmt: str = "csv") -> list[dict[str, str]]:
    result = lsnrmine("report", name, "--per-source", "--format", fmt, *args, cwd=cwd)
    if fmt == "json":
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
    return csv_rows(result)


def pairs_of(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys((r["HOST"], r["LISTENER"]) for r in rows))


def without_pair(row: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in row.items() if k not in ("HOST", "LISTENER")}


def rac_pairs(cwd: Path, *args: str) -> list[tuple[str, str]]:
    """The (host, listener) pairs of the fixture's events, from the breakdown report (ordered by host, listener)."""
    return [(r["HOST"], r["LISTENER"]) for r in csv_rows(lsnrmine("report", "listener_hosts", "--format", "csv",
                                                                  *args, *RAC_ARGS, cwd=cwd))]


def check_pairs_equal_restricted_runs(name: str, rows: list[dict[str, str]], cwd: Path) -> None:
    for host, listener in pairs_of(rows):
        mine = [without_pair(r) for r in rows if (r["HOST"], r["LISTENER"]) == (host, listener)]
        restricted = csv_rows(lsnrmine("report", name, "--format", "csv", "--host", host, "--listener", listener,
                                       *RAC_ARGS, cwd=cwd))
        assert mine == restricted, (host, listener)


def test_count_report_per_node_and_listener(tmp_path: Path) -> None:
    rows = per_source("connections_per_hour", *RAC_ARGS, cwd=tmp_path)
    assert list(rows[0])[:3] == ["HOST", "LISTENER", "HOUR_START"]
    pairs = rac_pairs(tmp_path)
    assert pairs == [("rac1", "LISTENER"), ("rac1", "LISTENER_SCAN1"), ("rac2", "LISTENER"),
                     ("rac2", "LISTENER_SCAN1"), ("rac2", "LISTENER_SCAN2")]
    assert pairs_of(rows) == pairs  # every pair with connections, in the breakdown's order
    check_pairs_equal_restricted_runs("connections_per_hour", rows, tmp_path)
    total: dict[str, Counter] = {}
    for r in rows:
        total.setdefault(r["HOUR_START"], Counter()).update(
            {"CONNECTIONS": int(r["CONNECTIONS"]), "FAILURES": int(r["FAILURES"])})
    unrestricted = csv_rows(lsnrmine("report", "connections_per_hour", "--format", "csv", *RAC_ARGS, cwd=tmp_path))
    assert {r["HOUR_START"]: Counter({"CONNECTIONS": int(r["CONNECTIONS"]), "FAILURES": int(r["FAILURES"])})
            for r in unrestricted} == total
    assert sum(c["CONNECTIONS"] for c in total.values()) > 0


def test_row_listing_report_per_node_and_listener(tmp_path: Path) -> None:
    rows = per_source("listener_commands", *RAC_ARGS, cwd=tmp_path)
    # the fixture's lsnrctl commands: status on both nodes' LISTENER, the stop of SCAN1 on rac1
    assert pairs_of(rows) == [("rac1", "LISTENER"), ("rac1", "LISTENER_SCAN1"), ("rac2", "LISTENER")]
    assert [r["COMMAND"] for r in rows if r["LISTENER"] == "LISTENER_SCAN1"] == ["stop"]
    check_pairs_equal_restricted_runs("listener_commands", rows, tmp_path)
    unrestricted = csv_rows(lsnrmine("report", "listener_commands", "--format", "csv", *RAC_ARGS, cwd=tmp_path))
    key = lambda row: tuple(row.values())  # noqa: E731
    assert Counter(key(without_pair(r)) for r in rows) == Counter(key(r) for r in unrestricted)


def test_every_format_and_a_report_with_its_own_host_column(tmp_path: Path) -> None:
    rows = per_source("listener_hosts", *RAC_ARGS, cwd=tmp_path)
    # the breakdown's own HOST and LISTENER hold the pair's values: they lead, once
    assert list(rows[0]) == ["HOST", "LISTENER", "EVENTS", "CONNECTIONS", "FAILURES", "COMMANDS", "LOG_FILES",
                             "FIRST_TIME", "LAST_TIME"]
    assert rows == csv_rows(lsnrmine("report", "listener_hosts", "--format", "csv", *RAC_ARGS, cwd=tmp_path))
    as_json = per_source("listener_hosts", *RAC_ARGS, cwd=tmp_path, fmt="json")
    assert [{k: str(v) for k, v in r.items()} for r in as_json] == rows
    table = lsnrmine("report", "listener_hosts", "--per-source", *RAC_ARGS, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["HOST", "LISTENER", "EVENTS"]
    assert [line.split()[:2] for line in lines[2:-1]] == [list(p) for p in pairs_of(rows)]
    assert lines[-1] == f"({len(rows)} rows)"


def test_listener_host_and_period_restrict_the_pairs(tmp_path: Path) -> None:
    rows = per_source("top_client_ips", "--listener", "listener_scan1", *RAC_ARGS, cwd=tmp_path)
    assert pairs_of(rows) == [("rac1", "LISTENER_SCAN1"), ("rac2", "LISTENER_SCAN1")]
    rows = per_source("top_client_ips", "--host", "rac2", *RAC_ARGS, cwd=tmp_path)
    assert pairs_of(rows) == [("rac2", "LISTENER"), ("rac2", "LISTENER_SCAN1"), ("rac2", "LISTENER_SCAN2")]
    # before SCAN1 moved to rac2 at 10:30 its rac2 log has no events
    period = ("--from", "2024-03-14 00:00:00", "--to", "2024-03-14 10:30:00")
    rows = per_source("connections_per_hour", *period, *RAC_ARGS, cwd=tmp_path)
    assert ("rac2", "LISTENER_SCAN1") not in pairs_of(rows)
    assert set(pairs_of(rows)) <= set(rac_pairs(tmp_path, *period))
    for host, listener in pairs_of(rows):
        restricted = csv_rows(lsnrmine("report", "connections_per_hour", "--format", "csv", *period, "--host", host,
                                       "--listener", listener, *RAC_ARGS, cwd=tmp_path))
        assert [without_pair(r) for r in rows if (r["HOST"], r["LISTENER"]) == (host, listener)] == restricted


def test_no_events_in_the_period_gives_the_columns_and_no_rows(tmp_path: Path) -> None:
    result = lsnrmine("report", "connections_per_day", "--per-source", "--format", "csv", "--from",
                      "2030-01-01 00:00:00", *RAC_ARGS, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["HOST,LISTENER,DAY_START,CONNECTIONS,FAILURES"]


def test_a_log_without_host_is_one_pair_with_empty_host(tmp_path: Path) -> None:
    rows = per_source("top_client_ips", "--log", str(SAMPLE), cwd=tmp_path)
    assert pairs_of(rows) == [("", "LISTENER")]
    unrestricted = csv_rows(lsnrmine("report", "top_client_ips", "--format", "csv", "--log", str(SAMPLE), cwd=tmp_path))
    assert unrestricted and [without_pair(r) for r in rows] == unrestricted
    as_json = per_source("top_client_ips", "--log", str(SAMPLE), cwd=tmp_path, fmt="json")
    assert {r["HOST"] for r in as_json} == {None} and len(as_json) == len(rows)


def test_events_without_host_come_last(tmp_path: Path) -> None:
    """The RAC nodes' logs and a log without host together: the no-host pair is the last one and is
    restricted with `host is null` (its rows are those of that log alone, not every listener LISTENER)."""
    rows = per_source("connections_per_day", *RAC_ARGS, "--log", str(SAMPLE), cwd=tmp_path)
    assert pairs_of(rows) == [*rac_pairs(tmp_path), ("", "LISTENER")]
    alone = per_source("connections_per_day", "--log", str(SAMPLE), cwd=tmp_path)
    assert [r for r in rows if r["HOST"] == ""] == alone
    assert [r for r in rows if r["HOST"] != ""] == per_source("connections_per_day", *RAC_ARGS, cwd=tmp_path)


def test_reports_without_listener_and_host_are_refused(tmp_path: Path) -> None:
    for name in ("new_clients", "article_listener_stops"):
        bad = lsnrmine("report", name, "--per-source", "--log", str(SAMPLE), cwd=tmp_path)
        assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.count("\n") == 1, bad.stderr
        assert f"report {name!r} has no listener/host columns; --per-source applies to: " in bad.stderr
        labelled = [r.name for r in report_catalogue.catalogue() if r.labelled]
        assert bad.stderr.rstrip().endswith(", ".join(labelled)) and "listener_hosts" in labelled
    bad = lsnrmine("report", "--html", str(tmp_path / "d.html"), "--per-source", "--log", str(SAMPLE), cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--per-source" in bad.stderr
    assert not (tmp_path / "d.html").exists()


@pytest.mark.parametrize("host, listener, condition", [
    (None, "LISTENER", "host is null and listener = 'LISTENER'"),
    ("rac1", None, "host = 'rac1' and listener is null"),
    ("o'h", "L'X", "host = 'o''h' and listener = 'L''X'"),  # text from the log, quoted
])
def test_pair_condition(host, listener, condition) -> None:
    assert report_catalogue.pair_condition(host, listener) == condition


def test_help_names_the_flag(tmp_path: Path) -> None:
    result = lsnrmine("report", "--help", cwd=tmp_path)
    assert result.returncode == 0 and "--per-source" in result.stdout
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "--per-source" in readme


def test_per_source_statements_pass_the_offline_gate() -> None:
    """What --dsn sends to Oracle with --per-source: the pairs query and the report restricted to a
    pair (a NULL host, a quoted one) pass the gate as the rendered scripts do."""
    from datetime import datetime

    from gate.sqlgate import check_statement
    from lsnrmine.settings import Settings

    report = report_catalogue.find("connections_per_hour")
    period = {"time_from": datetime(2024, 3, 14), "time_to": datetime(2024, 3, 15)}
    sent = [report_catalogue.pairs_statement(report, Settings(), listener="listener_scan1", **period),
            *report_catalogue.pair_statements(report, Settings(), None, "LISTENER", **period),
            *report_catalogue.pair_statements(report, Settings(), "o'h", "LISTENER_SCAN1")]
    assert "host is null and listener = 'LISTENER'" in sent[1] and "host = 'o''h'" in sent[2]
    assert "order by host nulls last, listener nulls last" in sent[0] and "listener = 'LISTENER_SCAN1'" in sent[0]
    for statement in sent:
        assert check_statement(statement) == [], statement
