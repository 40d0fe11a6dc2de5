"""Mutation test of the offline SQL gate: delete one token, the gate must notice.

A seeded random sample of ~300 single-token deletions over the rendered statements of all
three settings sets, spread over every kind of statement (PL/SQL units, anonymous blocks,
SQL, CREATE DIRECTORY). Tokens come from gate.balance.tokenize; comments and whitespace are
never deleted, everything else may be. Some deletions legitimately leave valid SQL (``or
replace``, a column alias, ``end name`` -> ``end``, the ``-`` of ``-942``), so the test
asserts a floor, and prints the measured rate and the survivors (``pytest -s``).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict

import pytest

from gate import balance, sqlgate

SEED = 20240601
MUTANTS = 300
FLOOR = 0.70


def _statements_by_kind() -> dict[str, list[str]]:
    by_kind: dict[str, set[str]] = defaultdict(set)
    for settings in sqlgate.settings_sets().values():
        for _, statement in sqlgate.rendered_statements(settings):
            by_kind[sqlgate.classify(statement)].add(statement)
    return {kind: sorted(texts) for kind, texts in sorted(by_kind.items())}


def _mutants(by_kind: dict[str, list[str]]) -> list[tuple[str, str, str, str]]:
    """(kind, deleted token, first line of the statement, mutant text), deterministic."""
    rng = random.Random(SEED)
    kinds = sorted(by_kind)
    mutants = []
    for number in range(MUTANTS):
        kind = kinds[number % len(kinds)]
        statement = rng.choice(by_kind[kind])
        tokens = balance.tokenize(statement)
        candidates = [i for i, t in enumerate(tokens) if t.kind not in ("ws", "comment")]
        index = rng.choice(candidates)
        mutant = "".join(t.text for i, t in enumerate(tokens) if i != index)
        where = f"line {tokens[index].line} of {sqlgate.first_line(statement)[:50]!r}"
        mutants.append((kind, tokens[index].text, where, mutant))
    return mutants


@pytest.mark.slow  # sqlfluff over thousands of mutated statements
def test_gate_rejects_most_single_token_deletions() -> None:
    by_kind = _statements_by_kind()
    assert {"plsql_unit", "block", "sql", "directory"} <= set(by_kind), by_kind.keys()
    for statements in by_kind.values():  # the originals pass, or rejections would mean nothing
        for statement in statements:
            assert sqlgate.check_statement(statement) == [], statement[:200]

    total: Counter = Counter()
    rejected: Counter = Counter()
    survivors = []
    for kind, token, where, mutant in _mutants(by_kind):
        total[kind] += 1
        if sqlgate.check_statement(mutant, fail_fast=True):
            rejected[kind] += 1
        else:
            survivors.append(f"  [{kind}] deleted {token!r} at {where}")
    rate = sum(rejected.values()) / sum(total.values())
    per_kind = ", ".join(f"{k} {rejected[k]}/{total[k]}" for k in sorted(total))
    report = (f"gate rejected {sum(rejected.values())}/{sum(total.values())} mutants = {rate:.1%} "
              f"({per_kind}); survivors:\n" + "\n".join(survivors))
    print("\n" + report)
    assert rate >= FLOOR, report
