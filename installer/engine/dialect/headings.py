"""Output column names as Oracle gives them to an unaliased select-list expression: the expression's
text as typed, upper-cased, without whitespace or comments (``count(*)`` -> ``COUNT(*)``,
``upper( action )`` -> ``UPPER(ACTION)``, ``'a b'`` -> ``'AB'``; docs/oracle-facts.md, "Offline engine
sandbox and Oracle dialect"). :func:`name_expressions` gives such expressions that name as a quoted
alias, so DuckDB reports it (and an outer ``select *`` sees it) instead of its own rendering of the
translated SQL (``count_star()``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from sqlglot import exp
from sqlglot.dialects.oracle import Oracle
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

#: tokens that end a select list when met at its own parenthesis depth
_LIST_END = frozenset({
    TokenType.FROM, TokenType.INTO, TokenType.WHERE, TokenType.GROUP_BY, TokenType.HAVING,
    TokenType.ORDER_BY, TokenType.UNION, TokenType.INTERSECT, TokenType.EXCEPT, TokenType.FETCH,
    TokenType.LIMIT, TokenType.SEMICOLON,
})
#: an optimizer hint and the set quantifier before the first item (not part of it)
_LEADING = frozenset({TokenType.HINT, TokenType.DISTINCT, TokenType.ALL, TokenType.UNIQUE})
_SPACE = re.compile(r"\s+")


@dataclass
class _Item:
    """One select-list item of the text: its tokens, first to last."""

    tokens: list[Token] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end


@dataclass
class _List:
    depth: int
    items: list[_Item] = field(default_factory=lambda: [_Item()])


def _select_items(text: str) -> list[_Item]:
    """Every select-list item of ``text`` (nested queries' items too), from Oracle's tokens."""
    try:
        tokens = Oracle().tokenize(text)
    except TokenError:
        return []
    done: list[_Item] = []
    open_lists: list[_List] = []
    depth = 0

    def close() -> None:
        done.extend(item for item in open_lists.pop().items if item.tokens)

    for token in tokens:
        kind = token.token_type
        if kind == TokenType.R_PAREN:
            depth -= 1
            while open_lists and open_lists[-1].depth > depth:
                close()
        inner = open_lists[-1] if open_lists else None
        if inner is not None and inner.depth == depth:
            if kind == TokenType.COMMA:
                inner.items.append(_Item())
                continue
            if kind in _LIST_END:
                close()
            elif kind in _LEADING and len(inner.items) == 1 and not inner.items[0].tokens:
                continue
        for lst in open_lists:
            lst.items[-1].tokens.append(token)
        if kind == TokenType.SELECT:
            open_lists.append(_List(depth))
        elif kind == TokenType.L_PAREN:
            depth += 1
    while open_lists:
        close()
    return done


def _heading(text: str, item: _Item) -> str:
    """Oracle's name of the item: its tokens' text (comments and the blanks between tokens left
    out), upper case, whitespace inside tokens (string literals) removed."""
    raw = "".join(text[t.start:t.end + 1] for t in item.tokens)
    return _SPACE.sub("", raw.upper())


def _span(node: exp.Expression) -> Optional[tuple[int, int]]:
    """The first and last text offsets the parser recorded for ``node`` and the nodes under it."""
    starts = [n.meta["start"] for n in node.walk() if isinstance(n.meta.get("start"), int)]
    ends = [n.meta["end"] for n in node.walk() if isinstance(n.meta.get("end"), int)]
    return (min(starts), max(ends)) if starts and ends else None


def name_expressions(tree: exp.Expression, text: str) -> None:
    """Give every unaliased select-list expression of ``tree`` (parsed from ``text``) other than a
    plain column or ``*`` its Oracle name as a quoted alias. An expression the text cannot be
    matched to keeps no alias (DuckDB names it then)."""
    selects = list(tree.find_all(exp.Select))
    if not any(not isinstance(p, (exp.Alias, exp.Column, exp.Star)) for s in selects for p in s.expressions):
        return
    items = _select_items(text)
    used: set[int] = set()
    for select in reversed(selects):  # breadth-first reversed: a nested query's items are taken first
        projections = list(select.expressions)
        changed = False
        for index, projection in enumerate(projections):
            if isinstance(projection, (exp.Alias, exp.Column, exp.Star)):
                continue
            span = _span(projection)
            if span is None:  # SYSDATE, SYSTIMESTAMP: no position recorded, one keyword
                name = _SPACE.sub("", projection.sql(dialect="oracle").upper())
                projections[index] = exp.Alias(this=projection, alias=exp.to_identifier(name, quoted=True))
                changed = True
                continue
            # the smallest item holding every token of the expression is its own
            holding = [k for k, item in enumerate(items)
                       if k not in used and item.start <= span[0] and span[1] <= item.end]
            if not holding:
                continue
            best = min(holding, key=lambda k: items[k].end - items[k].start)
            used.add(best)
            name = exp.to_identifier(_heading(text, items[best]), quoted=True)
            projections[index] = exp.Alias(this=projection, alias=name)
            changed = True
        if changed:
            select.set("expressions", projections)
