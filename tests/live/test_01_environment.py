"""The database under test, its listener log, and the traffic the suite sends."""

from __future__ import annotations

import pytest

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
    # python-oracledb Thin: DPY-6005 wrapping DPY-6001 "... (Similar to ORA-12514)" and DPY-6003
    # "... (Similar to ORA-12505)": the whole message is kept (traffic.error_text)
    bad_service = traffic.by_label("bad_service")
    assert bad_service and all(not a.ok and t.refusal_code(a.error) == 12514 for a in bad_service), bad_service
    assert all("DPY-6001" in t.error_codes(a.error) for a in bad_service), bad_service
    bad_sid = traffic.by_label("bad_sid")
    assert bad_sid and all(not a.ok and t.refusal_code(a.error) == 12505 for a in bad_sid), bad_sid
    assert all("DPY-6003" in t.error_codes(a.error) for a in bad_sid), bad_sid


def test_lsnrctl_commands_ran_in_the_container(live_db: LiveDb, traffic: t.TrafficReport) -> None:
    live_db.require_shell()
    assert [c.argv[1:] for c in traffic.by_group("oracle")] == [tuple(c) for c in t.LSNRCTL_COMMANDS]
    failed = [(c.argv, c.exit_code, c.output[-300:]) for c in traffic.by_group("oracle") + traffic.by_group("setup")
              if c.exit_code != 0]
    assert not failed, failed


def test_unauthorized_os_user_is_refused_by_the_listener(live_db: LiveDb, traffic: t.TrafficReport) -> None:
    """Privileged lsnrctl commands (SET, STOP) as OS user nobody, never root: the listener answers
    TNS-01190 (local OS authentication) to each, and lsnrctl prints it. STATUS and SERVICES are
    allowed to any local user and are not sent (review R1)."""
    live_db.require_shell()
    if traffic.unauthorized_skipped:
        pytest.skip(traffic.unauthorized_skipped)
    commands = traffic.by_group("unauthorized")
    assert traffic.unauthorized_user == t.UNAUTHORIZED_OS_USER
    assert all(c.os_user == t.UNAUTHORIZED_OS_USER for c in commands)
    not_refused = [(c.argv, c.exit_code, c.output[-400:]) for c in commands if not t.refused(c.output)]
    assert not not_refused, (traffic.unauthorized_stopped, not_refused)
    assert [c.argv[1:] for c in commands] == [tuple(c) for c in t.UNAUTHORIZED_COMMANDS]


def test_admin_restricted_set_commands_are_refused(live_db: LiveDb, traffic: t.TrafficReport) -> None:
    """Under ADMIN_RESTRICTIONS_LISTENER=ON the SET commands are refused (TNS-12508); the
    parameter file was restored afterwards and the listener reloaded. On failure the message holds
    the log's real 12508 lines (their 23ai shape is unverified, review R5)."""
    live_db.require_shell()
    commands = traffic.by_group("restricted")
    assert [c.argv[1:] for c in commands] == [tuple(c) for c in t.RESTRICTED_COMMANDS]
    not_refused = [(c.argv, c.output[-400:]) for c in commands if "TNS-12508" not in c.output]
    assert not not_refused, (not_refused, t.log_evidence(live_db, t.ADMIN_RESTRICTED_NEEDLES))
    status = live_db.sh("lsnrctl status")
    parameter_file = t.listener_parameter_file(status)
    assert parameter_file, status
    assert t.ADMIN_RESTRICTIONS not in live_db.sh(f"cat '{parameter_file}'"), "listener.ora was not restored"
    assert live_db.exec(["test", "-e", parameter_file + t.BACKUP_SUFFIX], check=False)[0] != 0


def test_public_address_connects_succeeded(live_db: LiveDb, traffic: t.TrafficReport) -> None:
    live_db.require_shell()
    if traffic.public_ip is None:
        pytest.skip(f"no connect from a public address: {traffic.public_skipped}")
    commands = traffic.by_group("public")
    assert len(commands) == t.PUBLIC_CONNECTS
    failed = [(c.exit_code, c.output[-400:]) for c in commands
              if c.exit_code != 0 or "lsnrmine-public-ok" not in c.output]
    assert not failed, failed
