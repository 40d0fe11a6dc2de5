"""`lsnrmine verify` / `status` with [[sources]]: the lines and problems per node (instance), source
and file from LOAD_STATE rows, and the instance jobs with their affinity (lsnrmine.verify). The rows
have the shape the owner's queries return (q_load_states, Q_INGEST_JOBS); the queries themselves run
in the live suite (tests/live/test_07c_sources.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lsnrmine.settings import Settings, load_settings
from lsnrmine.verify import (Q_INGEST_JOBS, instance_job_findings, instance_job_name, q_load_states,
                             source_state_findings)

RAC_TOML = Path(__file__).resolve().parent / "fixtures" / "rac" / "lsnrmine.toml"
RUN = dt.datetime(2026, 12, 3, 16, 0, 0)


@pytest.fixture(scope="module")
def rac() -> Settings:
    return load_settings(config_path=str(RAC_TOML))


def _row(label, status="OK", health=None, minutes=2.0, offset=1001, size=1000, lines=12):
    return (label, status, health, RUN, minutes, offset, size, lines)


def test_every_node_source_and_segment_gets_a_line(rac: Settings) -> None:
    rows = [_row("RAC1_LISTENER/listener.log", offset=801, size=1000),
            _row("RAC1_LISTENER/listener_1.log", status="CLOSED"),
            _row("RAC1_SCAN1/listener_scan1.log"),
            _row("RAC2_LISTENER/listener.log"),
            ("RAC2_SCAN1/listener_scan1.log", "NEW", None, None, None, 1, None, 0)]
    lines, problems = source_state_findings(rac, rows, scheduled=True, interval=5)
    assert problems == []
    assert lines[0].startswith("instance 1, source RAC1_LISTENER (LISTENER@rac1), RAC1_LISTENER/listener_1.log: CLOSED")
    assert lines[1] == ("instance 1, source RAC1_LISTENER (LISTENER@rac1), RAC1_LISTENER/listener.log: OK, last read "
                        "2026-12-03 16:00:00, lag 2 min, 200 bytes unread, 12 lines")
    assert lines[2].startswith("instance 1, source RAC1_SCAN1 (LISTENER_SCAN1@rac1), RAC1_SCAN1/listener_scan1.log: OK")
    assert lines[3].startswith("instance 2, source RAC2_LISTENER (LISTENER@rac2)")
    assert lines[4] == "instance 2, source RAC2_SCAN1 (LISTENER_SCAN1@rac2), RAC2_SCAN1/listener_scan1.log: not read yet"
    assert len(lines) == 5


def test_a_failing_source_and_a_stale_node_are_problems_naming_the_source_and_the_job(rac: Settings) -> None:
    rows = [_row("RAC1_LISTENER/listener.log", status="UNREADABLE",
                 health="RAC1_LISTENER/listener.log: ORA-22288: file or LOB operation FILEOPEN failed"),
            _row("RAC1_SCAN1/listener_scan1.log"),
            _row("RAC2_LISTENER/listener.log", minutes=45.5),
            _row("RAC2_SCAN1/listener_scan1.log", status="MISSING", health="RAC2_SCAN1/listener_scan1.log: no such file")]
    lines, problems = source_state_findings(rac, rows, scheduled=True, interval=5)
    assert len(problems) == 3
    assert problems[0].startswith("source RAC1_LISTENER file RAC1_LISTENER/listener.log is UNREADABLE: ")
    assert "READ on directory LSNR_RAC1_LISTENER_DIR" in problems[0]
    assert "/u01/app/grid/diag/tnslsnr/rac1/listener/trace/listener.log" in problems[0]
    assert problems[1].startswith("source RAC2_LISTENER file RAC2_LISTENER/listener.log last read 45.5 minutes ago")
    # a pinned job waits for its instance; in a CDB also for the PDB open there (review 7a, finding 7)
    assert "LSNR_INGEST_JOB_I2" in problems[1] and "is instance 2 up, with this PDB open there?" in problems[1]
    assert problems[2].startswith("source RAC2_SCAN1 file RAC2_SCAN1/listener_scan1.log is MISSING")
    assert "error: RAC1_LISTENER/listener.log: ORA-22288" in lines[0]
    # without jobs nothing is stale: the runs are the DBA's
    assert len(source_state_findings(rac, rows, scheduled=False, interval=5)[1]) == 2


def test_instance_jobs_and_their_affinity(rac: Settings) -> None:
    assert [instance_job_name(rac, n) for n in rac.source_instances()] == ["LSNR_INGEST_JOB_I1", "LSNR_INGEST_JOB_I2"]
    lines, problems, jobs = instance_job_findings(rac, [("LSNR_INGEST_JOB", 1), ("LSNR_INGEST_JOB_I1", 1),
                                                        ("LSNR_INGEST_JOB_I2", 2)])
    assert problems == [] and jobs == ["LSNR_INGEST_JOB_I1", "LSNR_INGEST_JOB_I2"]
    assert lines == ["LSNR_INGEST_JOB_I1: instance 1, instance_id 1", "LSNR_INGEST_JOB_I2: instance 2, instance_id 2"]
    _, problems, jobs = instance_job_findings(rac, [("LSNR_INGEST_JOB_I1", None), ("LSNR_INGEST_JOB_I3", 3)])
    assert jobs == ["LSNR_INGEST_JOB_I1"]
    assert problems[0].startswith("job LSNR_INGEST_JOB_I1 has instance_id None, not 1")
    assert problems[1].startswith("missing JOB LSNR_INGEST_JOB_I2 (reads the sources of instance 2)")
    assert problems[2].startswith("job LSNR_INGEST_JOB_I3 reads an instance no source names any more")


def test_the_queries_skip_the_run_lock_rows_and_find_the_instance_jobs() -> None:
    assert "substr(file_name, 1, 1) <> '/'" in q_load_states("LSNR_LOAD_STATE")
    assert ":job_name || '_I'" in Q_INGEST_JOBS and "instance_id" in Q_INGEST_JOBS


def test_a_partial_location_is_no_problem_with_sources() -> None:
    from lsnrmine.verify import location_problem

    # LOG_LOCATION_PKG with [[sources]]: another node's files are not readable from here
    status = "partial: 1 file: LSNR_RAC1_LISTENER_DIR:listener.log (not readable: LSNR_RAC2_LISTENER_DIR:listener.log: ORA-22288)"
    assert location_problem(status, "LSNR_LOG_LOCATION_PKG", "LSNRMINE") is None
    assert location_problem("error: ORA-00942", "LSNR_LOG_LOCATION_PKG", "LSNRMINE").startswith(
        "LISTENER_LOG's file list could not be refreshed: error: ORA-00942")


def test_ingest_job_is_pinned_to_the_listener_log_instance(rac: Settings) -> None:
    # review 7a, finding 1: INGEST_JOB keeps LISTENER_LOG's LOCATION from listener_log_instance
    assert rac.listener_log_instance == 1
    _, problems, _ = instance_job_findings(rac, [("LSNR_INGEST_JOB", None), ("LSNR_INGEST_JOB_I1", 1),
                                                 ("LSNR_INGEST_JOB_I2", 2)])
    assert problems == ["job LSNR_INGEST_JOB has instance_id not set, not 1 (listener_log_instance): it would "
                        "refresh LISTENER_LOG's file list from another node; fix: run `lsnrmine install` (sets instance_id)"]
    _, problems, _ = instance_job_findings(rac, [("LSNR_INGEST_JOB", 2), ("LSNR_INGEST_JOB_I1", 1),
                                                 ("LSNR_INGEST_JOB_I2", 2)])
    assert len(problems) == 1 and problems[0].startswith("job LSNR_INGEST_JOB has instance_id 2, not 1")
    pinned_two = load_settings({"listener_log_instance": 2}, config_path=str(RAC_TOML))
    assert instance_job_findings(pinned_two, [("LSNR_INGEST_JOB", 2), ("LSNR_INGEST_JOB_I1", 1),
                                              ("LSNR_INGEST_JOB_I2", 2)])[1] == []


def test_verify_names_the_instance_listener_log_reads(rac: Settings) -> None:
    from lsnrmine.verify import listener_log_note, location_problem

    assert listener_log_note(rac).startswith("LISTENER_LOG (and the article's views on it) reads the files of instance 1")
    # a refresh asked for on another instance changed nothing: a note, not a problem
    status = ("not refreshed from instance 2: LISTENER_LOG reads the files of instance 1 (listener_log_instance), "
              "refreshed there by the ingest job; LOCATION kept (1 file: LSNR_RAC1_LISTENER_DIR:listener.log)")
    assert location_problem(status, "LSNR_LOG_LOCATION_PKG", "LSNRMINE") is None
