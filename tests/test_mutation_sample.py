"""A sample of SQL mutants must be killed by the behavioural tests, in CI (the full run is
tests/mutation/run.py, its reports in tests/mutation/REPORT*.md). Each mutant is applied in a
private copy of the repository and the target's fast tests run there with the golden comparison
deselected: if a fixture is weakened so that one of these bugs goes unnoticed, this test fails."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from mutation import run as harness

# (target, the mutant as the report describes it); chosen from every target, one-token bugs a
# careless edit could make
SAMPLE = [
    ("article_views", "views/admin_restricted.sql:8 in_drop: 'password', -> (removed)"),
    ("article_views", "views/failed_commands.sql:11 ror: != -> ="),
    ("report_views", "views/report_connections.sql:27 ror: = -> <>"),
    ("report_views", "views/report_connections.sql:28 case_drop: when e.client_ip is null then 0 -> (removed)"),
]


def _mutants() -> dict[str, tuple[harness.Target, harness.Mutant]]:
    found = harness.collect(list(harness.TARGETS), tuple(harness.OPERATORS), [])
    return {m.describe(): (t, m) for t, m in found}


@pytest.mark.slow
def test_sampled_mutants_are_killed() -> None:
    by_description = _mutants()
    missing = [d for _, d in SAMPLE if d not in by_description]
    assert not missing, f"sample mutants no longer exist (template edited?): {missing}"
    with tempfile.TemporaryDirectory(prefix="lsnrmine-mutation-") as tmp:
        ws = harness.make_workspace(Path(tmp), 0)
        survivors = []
        for target_name, description in SAMPLE:
            target, mutant = by_description[description]
            assert target.name == target_name
            outcome = harness.run_mutant(ws, target, mutant, timeout=600)
            if outcome.status != "killed":
                survivors.append(f"{description}: {outcome.status} {outcome.detail}")
    assert not survivors, "mutants not killed by behaviour:\n" + "\n".join(survivors)
