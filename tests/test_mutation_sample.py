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
    ("article_views", "views/admin_restricted.sql:9 in_drop: 'password', -> (removed)"),
    ("article_views", "views/failed_commands.sql:13 ror: != -> ="),
    ("report_views", "views/report_connections.sql:27 ror: = -> <>"),
    ("alert_rules", "views/alert_r6_enumeration.sql:33 in_drop: , 12514 -> (removed)"),
    ("alert_rules", "views/alert_r6_enumeration.sql:106 ror: >= -> >"),
    ("event_parse", "views/events.sql:303 logic: or -> and"),
]

# edits no operator makes: (target, template, text, replacement)
BY_HAND = [
    # the (COMMAND= branch of the event kind `command` dropped: 5-field command lines become 'other'
    ("event_parse", "views/events.sql", " or upper(e.connect_data) like '%(COMMAND=%'", ""),
]


def _by_hand(target_name: str, path: str, text: str, replacement: str) -> tuple[harness.Target, harness.Mutant]:
    source = (harness.REPO / path).read_text(encoding="utf-8")
    assert source.count(text) == 1, f"{path} no longer holds {text!r} once (template edited?)"
    start = source.index(text)
    target = next(t for t in harness.TARGETS if t.name == target_name)
    return target, harness.Mutant(path, "by_hand", start, start + len(text), replacement,
                                  source.count("\n", 0, start) + 1, text)


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
        chosen = [by_description[description] for _, description in SAMPLE]
        assert [t.name for t, _ in chosen] == [name for name, _ in SAMPLE]
        chosen += [_by_hand(*edit) for edit in BY_HAND]
        for target, mutant in chosen:
            description = mutant.describe()
            outcome = harness.run_mutant(ws, target, mutant, timeout=600)
            if outcome.status != "killed":
                survivors.append(f"{description}: {outcome.status} {outcome.detail}")
    assert not survivors, "mutants not killed by behaviour:\n" + "\n".join(survivors)
