"""PARSE_LISTENER_LOG_LINE in Oracle equals the Python twin (lsnrmine.parse) on the twin's table of
cases and on every line of the database's real listener log."""

from __future__ import annotations

import json
from pathlib import Path

from lsnrmine.parse import UnknownKeyError, parse_listener_log_line

from .conftest import Install, query

CASES = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "parse_cases.json").read_text(encoding="utf-8"))
VALUE_CASES = [c for c in CASES if "error" not in c]
ERROR_CASES = [c for c in CASES if "error" in c]

# keys the article and real logs use; both engines are asked for each on every line
KEYS = ("SERVICE_NAME", "SID", "HOST", "USER", "PROGRAM", "PORT", "PROTOCOL", "COMMAND", "SERVICE",
        "ARGUMENTS", "VERSION", "CID", "ADDRESS", "CONNECT_DATA", "CONNECTION_ID", "DESCRIPTION")
SQL_ONE = "select parse_listener_log_line(:p_in, :p_param) from dual"


def _twin(p_in, key):
    return parse_listener_log_line(p_in, key)


def test_parse_cases_values_equal_twin_and_expected(installed: Install, owner_conn) -> None:
    mismatches = []
    with owner_conn.cursor() as cur:
        for case in VALUE_CASES:
            cur.execute(SQL_ONE, p_in=case["p_in"], p_param=case["p_param"])
            got = cur.fetchone()[0]
            if got != case["expected"]:
                mismatches.append((case["id"], got, case["expected"]))
    assert not mismatches, f"{len(mismatches)} of {len(VALUE_CASES)} cases differ: {mismatches[:5]}"


def test_parse_unknown_keys_raise_ora_20001(installed: Install, owner_conn) -> None:
    import oracledb

    mismatches = []
    with owner_conn.cursor() as cur:
        for case in ERROR_CASES:
            try:
                cur.execute(SQL_ONE, p_in=case["p_in"], p_param=case["p_param"])
                mismatches.append((case["id"], "no error", cur.fetchone()))
                continue
            except oracledb.DatabaseError as exc:
                (error,) = exc.args
                message = error.message.split("\n", 1)[0]
                if error.full_code != case["error"] or not message.startswith(f"{case['error']}: {case['message_prefix']}"):
                    mismatches.append((case["id"], error.full_code, message[:200]))
            # the twin agrees that this is an error
            try:
                _twin(case["p_in"], case["p_param"])
                mismatches.append((case["id"], "twin returned a value", None))
            except UnknownKeyError:
                pass
    assert not mismatches, f"{len(mismatches)} of {len(ERROR_CASES)} error cases differ: {mismatches[:5]}"


def _compare(rows, columns: int) -> list:
    """rows: (input..., then one Oracle result per key per input column)."""
    diffs = []
    for row in rows:
        inputs, results = row[:columns], row[columns:]
        position = 0
        for value in inputs:
            for key in KEYS:
                want = _twin(value, key)
                if results[position] != want:
                    diffs.append((key, value, results[position], want))
                position += 1
    return diffs


def test_parse_equals_twin_on_every_log_line(installed: Install, owner_conn) -> None:
    calls = ", ".join(f"parse_listener_log_line(line, '{k}')" for k in KEYS)
    _, rows = query(owner_conn, f"select line, {calls} from listener_log_lines")
    assert rows
    diffs = _compare(rows, 1)
    assert not diffs, f"{len(diffs)} differences, first: {diffs[:3]}"


def test_parse_equals_twin_on_listener_log_columns(installed: Install, owner_conn) -> None:
    calls = ", ".join(f"parse_listener_log_line({c}, '{k}')" for c in ("connect_string", "protocol_info") for k in KEYS)
    _, rows = query(owner_conn, f"select connect_string, protocol_info, {calls} from listener_log")
    assert rows
    diffs = _compare(rows, 2)
    assert not diffs, f"{len(diffs)} differences, first: {diffs[:3]}"
