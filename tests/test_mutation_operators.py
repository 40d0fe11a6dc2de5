"""The SQL mutation operators (tests/mutation/mutants.py): each makes the edits it names, and
never edits comments, string literals, quoted names or Jinja tags."""

from __future__ import annotations

from mutation.mutants import mutants

SQL = """-- header: a >= b and c in (1, 2) count(distinct x)
create or replace view {{ name }} (a) as
select case when x.kind = 'a >= b' then 1
            when x.kind = "Q<>R" then 2
            else 3 end a,
       count(distinct x.ip) n
  from {{ obj('EVENTS') }} x
 where x.code in (12505, 12514)
   and x.t between 1 and 5
    or x.n >= 10
 group by x.kind
/
"""


def _edits(operator: str) -> list[tuple[str, str]]:
    return [(m.original, m.replacement) for m in mutants("v.sql", SQL, (operator,))]


def test_relational_operators_outside_strings_comments_and_quoted_names() -> None:
    assert _edits("ror") == [("=", "<>"), ("=", "<>"), (">=", ">")]


def test_in_list_drops_each_element_once() -> None:
    assert _edits("in_drop") == [("12505,", " "), (", 12514", " ")]


def test_case_branch_removed_only_while_another_branch_remains() -> None:
    removed = [orig for orig, _ in _edits("case_drop")]
    assert removed == ["when x.kind = 'a >= b' then 1", "when x.kind = \"Q<>R\" then 2"]


def test_logic_swaps_and_or_but_not_between_nor_create_or_replace() -> None:
    assert _edits("logic") == [("and", "or"), ("or", "and")]


def test_integer_literals_plus_and_minus_one() -> None:
    got = _edits("int_literal")
    assert ("12505", "12506") in got and ("12505", "12504") in got
    assert ("10", "11") in got and ("10", "9") in got
    assert all(orig.isdigit() for orig, _ in got)


def test_count_distinct_loses_distinct() -> None:
    assert _edits("count_distinct") == [("distinct ", "")]


def test_every_mutant_changes_the_text_and_keeps_jinja_intact() -> None:
    for m in mutants("v.sql", SQL):
        mutated = m.apply(SQL)
        assert mutated != SQL
        assert mutated.count("{{") == SQL.count("{{") and "-- header: a >= b" in mutated
