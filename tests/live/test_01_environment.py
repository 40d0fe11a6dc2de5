"""The database under test, its listener log, and the traffic the suite sends."""

from __future__ import annotations

from . import traffic as t
from .conftest import CONTAINER_HOSTNAME, ORACLE_BASE, LiveDb


def test_listener_log_is_at_the_fixed_adr_path(live_db: LiveDb) -> None:
    live_db.require_shell()
    # the text log lives in trace/, the XML log in alert/ of the same ADR home; lsnrctl status
    # prints the XML one as "Listener Log File" (Net Services Administrator's Guide, ADR layout)
    status = live_db.sh("lsnrctl status")
    adr_home = f"{ORACLE_BASE}/diag/tnslsnr/{CONTAINER_HOSTNAME}/listener"
    assert adr_home in status, status
    assert live_db.log_path == f"{adr_home}/trace/listener.log"
    assert live_db.log_stat().size > 0


def test_clients_see_the_expected_listener_errors(traffic: t.TrafficReport) -> None:
    for label in ("good", "jdbc_service", "storm"):
        failed = [a.error for a in traffic.by_label(label) if not a.ok]
        assert not failed, f"{label} connects failed: {failed[:3]}"
    # python-oracledb Thin: DPY-6001 "... (Similar to ORA-12514)", DPY-6003 "... (Similar to ORA-12505)"
    bad_service = traffic.by_label("bad_service")
    assert bad_service and all(not a.ok and "12514" in (a.error or "") for a in bad_service), bad_service
    bad_sid = traffic.by_label("bad_sid")
    assert bad_sid and all(not a.ok and "12505" in (a.error or "") for a in bad_sid), bad_sid


def test_lsnrctl_commands_ran_in_the_container(live_db: LiveDb, traffic: t.TrafficReport) -> None:
    live_db.require_shell()
    assert [c.argv[1:] for c in traffic.commands] == [tuple(c) for c in t.LSNRCTL_COMMANDS]
    failed = [(c.argv, c.exit_code, c.output[-300:]) for c in traffic.commands if c.exit_code != 0]
    assert not failed, failed
