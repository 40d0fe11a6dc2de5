"""Every branch of the report views (views/report_*.sql) on logs that reach each branch once
(tests/fixtures/report_boundaries.log and report_boundaries_copied.log): the public/private address
classes at their edges, the addressing forms, JDBC and privileged-user flags, failures,
ADMIN_RESTRICTIONS refusals, each service event kind, and the message of each TNS code. Both files
end in a line cut short, as a log copied while the listener writes does: a record without its
return code is not counted as a failure."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from lsnrmine.engine.session import OfflineEngine
from lsnrmine.settings import Settings

LOGS = [str(FIXTURES / "report_boundaries.log"), str(FIXTURES / "report_boundaries_copied.log")]

# client address -> is_public: each private range at its first and last prefix and one step outside
ADDRESSES = [("10.0.0.1", 0), ("11.0.0.1", 1), ("127.0.0.1", 0), ("192.168.1.1", 0), ("192.169.1.1", 1),
             ("172.15.0.1", 1), ("172.16.0.1", 0), ("172.24.9.9", 0), ("172.31.0.1", 0), ("172.32.0.1", 1),
             ("169.254.1.1", 0), ("169.255.1.1", 1), ("::1", 0), ("FE80::1", 0), ("fc00::1", 0), ("fd12::1", 0),
             ("fe00::1", 1), ("2001:db8::1", 1), ("::ffff:10.0.0.1", 0), ("::ffff:8.8.8.8", 1), ("8.8.8.8", 1),
             ("febf::1", 0), ("fec0::1", 1), ("fc0::1", 1), ("0:0:0:0:0:ffff:192.168.0.1", 0)]
USERS = ["root", "Oracle", "ADMINISTRATOR", "oracle2", "scott"]      # the first three are privileged by default


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    eng = OfflineEngine(Settings())
    eng.load(LOGS, progress=False)
    return eng


def rows(engine: OfflineEngine, sql: str) -> list[tuple]:
    return engine.query(sql).rows


def test_connections_classify_every_address_user_host_and_outcome(engine: OfflineEngine) -> None:
    got = rows(engine, "select client_ip, addressing, service, is_jdbc, is_public, is_privileged, failed, return_code "
                       "from lsnr_report_connections order by event_id")
    expected = []
    for i, (ip, public) in enumerate(ADDRESSES):
        sid = i % 4 == 0
        rc = 12514 if i % 5 == 4 else 0
        expected.append((ip, "SID" if sid else "SERVICE_NAME", "ORCL" if sid else "orcl.example.com",
                         1 if i % 3 == 0 else 0, public, 1 if USERS[i % 5] in ("root", "Oracle", "ADMINISTRATOR") else 0,
                         1 if rc else 0, rc))
    expected.append(("10.9.9.9", "NONE", None, 0, 0, 0, 1, 12502))
    expected.append(("10.2.2.2", "SERVICE_NAME", "orcl.example.com", 0, 0, 0, 0, 0))
    expected.append((None, "SERVICE_NAME", "orcl.example.com", 0, 0, 0, 0, 0))   # a local IPC connect: no address
    expected.append(("10.2.2.3", "SERVICE_NAME", "orcl.example.com", 0, 0, 0, 0, None))
    assert got == expected
    assert rows(engine, "select protocol, client_host from lsnr_report_connections where client_ip is null") == [
        ("ipc", "db1")]


def test_connections_hour_and_day_buckets(engine: OfflineEngine) -> None:
    got = rows(engine, "select to_char(hour_start, 'YYYY-MM-DD HH24:MI:SS'), to_char(day_start, 'YYYY-MM-DD HH24:MI:SS'), "
                       "count(*) from lsnr_report_connections group by hour_start, day_start order by 1")
    assert got == [("2024-08-01 09:00:00", "2024-08-01 00:00:00", 26), ("2024-08-02 10:00:00", "2024-08-02 00:00:00", 3)]


def test_commands_failed_and_restricted(engine: OfflineEngine) -> None:
    got = rows(engine, "select command, client_user, return_code, failed, restricted from lsnr_report_commands "
                       "order by event_id")
    assert got == [("stop", "ananda", 1190, 1, 0), ("trc_level", None, 12508, 1, 1), ("status", "oracle", 0, 0, 0),
                   ("reload", "oracle", None, 0, 0)]


def test_service_events_are_the_three_service_kinds_only(engine: OfflineEngine) -> None:
    got = rows(engine, "select event_kind, service, return_code from lsnr_report_service_events order by event_id")
    assert got == [("service_register", "ORCL", 0), ("service_update", "ORCL", 0), ("service_died", "ORCL", 12537)]


def test_tns_errors_are_the_failures_with_their_messages(engine: OfflineEngine) -> None:
    got = rows(engine, "select return_code, event_kind, message, count(*) from lsnr_report_tns_errors "
                       "group by return_code, event_kind, message order by return_code")
    assert got == [
        (1190, "command", "The user is not authorized to execute the requested listener command", 1),
        (12502, "establish", "TNS:listener received no CONNECT_DATA from client", 1),
        (12508, "command", "TNS:listener could not resolve the COMMAND given", 1),
        (12514, "establish", "TNS:listener does not currently know of service requested in connect descriptor", 5),
        (12537, "service_died", "TNS:connection closed", 1),
    ]


def test_new_clients_window_is_the_setting_before_the_last_event(engine: OfflineEngine) -> None:
    got = rows(engine, "select count(*), count(distinct window_start), "
                       "max(to_char(window_start, 'YYYY-MM-DD HH24:MI:SS')), sum(connections), sum(failures) "
                       "from lsnr_report_new_clients")
    assert got == [(28, 1, "2024-07-26 10:00:05", 28, 6)]
