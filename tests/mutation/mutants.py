"""Mechanical mutations of an Oracle-dialect SQL template.

A mutant is one small edit of the template's SQL text: a comparison operator changed, one element
dropped from an IN list, one CASE branch removed, AND and OR swapped, an integer literal moved by one,
COUNT(DISTINCT x) made COUNT(x). Comments, string literals, quoted names and Jinja tags are never
edited, so every mutant renders and differs from the original only in what the SQL means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator


@dataclass(frozen=True)
class Mutant:
    path: str          # template path relative to the repository root, e.g. views/alert_r6_enumeration.sql
    operator: str      # ror, in_drop, case_drop, logic, int_literal, count_distinct
    start: int         # offset of the replaced text in the template
    end: int
    replacement: str
    line: int          # 1-based line of `start`
    original: str

    @property
    def ident(self) -> str:
        return f"{self.path}:{self.line}:{self.operator}:{self.start}"

    def describe(self) -> str:
        new = self.replacement if self.replacement.strip() else "(removed)"
        return f"{self.path}:{self.line} {self.operator}: {_one_line(self.original)} -> {_one_line(new)}"

    def apply(self, text: str) -> str:
        return text[:self.start] + self.replacement + text[self.end:]


def _one_line(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 3] + "..."


# -- a token stream that knows what must not be touched ---------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<comment>--[^\n]*)
  | (?P<jinja>\{\{.*?\}\}|\{%.*?%\}|\{\#.*?\#\})
  | (?P<qstring>[nN]?[qQ]'(?P<qd>[\[\{<\(]).*?(?:\]|\}|>|\))')
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>"[^"]*")
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_$#]*)
  | (?P<op><>|!=|\^=|<=|>=|=>|:=|\|\||[<>=(),;])
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokens(text: str) -> list[Token]:
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup if match.lastgroup != "qd" else "qstring"
        if kind == "comment":
            continue
        out.append(Token(kind or "other", match.group(0), match.start(), match.end()))
    return out


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# -- operators ------------------------------------------------------------------------------------

_ROR = {">=": ">", ">": ">=", "<=": "<", "<": "<=", "=": "<>", "<>": "=", "!=": "="}


def _ror(toks: list[Token]) -> Iterator[tuple[Token, Token, str]]:
    for tok in toks:
        if tok.kind == "op" and tok.text in _ROR:
            yield tok, tok, _ROR[tok.text]


def _matching_paren(toks: list[Token], open_index: int) -> int:
    depth = 0
    for i in range(open_index, len(toks)):
        if toks[i].text == "(":
            depth += 1
        elif toks[i].text == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _in_drop(toks: list[Token]) -> Iterator[tuple[Token, Token, str]]:
    """IN (a, b, c): one mutant per element, the element and one comma removed (lists of literals)."""
    for i, tok in enumerate(toks[:-1]):
        if tok.upper != "IN" or toks[i + 1].text != "(":
            continue
        close = _matching_paren(toks, i + 1)
        inner = toks[i + 2:close]
        if not inner or any(t.kind not in ("number", "string", "op") for t in inner):
            continue
        elements = [t for t in inner if t.text != ","]
        if len(elements) < 2 or len(elements) * 2 - 1 != len(inner):
            continue
        for k, element in enumerate(elements):
            if k + 1 < len(elements):
                yield element, inner[2 * k + 1], ""       # "a," dropped
            else:
                yield inner[2 * k - 1], element, ""       # ", c" dropped


def _case_drop(toks: list[Token]) -> Iterator[tuple[Token, Token, str]]:
    """One WHEN ... THEN ... branch of a CASE removed, when another branch or an ELSE remains."""
    for i, tok in enumerate(toks):
        if tok.upper != "CASE":
            continue
        depth, branches, j = 0, [], i + 1
        while j < len(toks):
            t = toks[j]
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth -= 1
            elif t.upper == "CASE":
                depth += 1
            elif t.upper == "END" and depth > 0 and _closes_case(toks, j):
                depth -= 1
            elif depth == 0 and t.upper in ("WHEN", "ELSE", "END"):
                branches.append(j)
                if t.upper == "END":
                    break
            j += 1
        whens = [b for b in branches if toks[b].upper == "WHEN"]
        if len(branches) < 3:   # at least two WHENs, or one WHEN and an ELSE, before END
            continue
        for b in whens:
            nxt = branches[branches.index(b) + 1]
            yield toks[b], toks[nxt - 1], ""


def _closes_case(toks: list[Token], index: int) -> bool:
    """END that closes a CASE (not END IF / END LOOP / END name; of PL/SQL)."""
    follow = toks[index + 1].upper if index + 1 < len(toks) else ""
    return follow not in ("IF", "LOOP", ";")


def _logic(toks: list[Token]) -> Iterator[tuple[Token, Token, str]]:
    """AND <-> OR, except the AND of BETWEEN x AND y and the OR of CREATE OR REPLACE."""
    between_open = 0
    for i, tok in enumerate(toks):
        if tok.upper == "BETWEEN":
            between_open += 1
        elif tok.upper == "AND" and between_open:
            between_open -= 1
        elif tok.upper == "AND":
            yield tok, tok, "or"
        elif tok.upper == "OR" and not (i and toks[i - 1].upper == "CREATE"):
            yield tok, tok, "and"


def _int_literal(toks: list[Token]) -> Iterator[tuple[Token, Token, str]]:
    for i, tok in enumerate(toks):
        if tok.kind != "number" or "." in tok.text:
            continue
        value = int(tok.text)
        yield tok, tok, str(value + 1)
        if value > 0:
            yield tok, tok, str(value - 1)


def _count_distinct(toks: list[Token]) -> Iterator[tuple[Token, Token, str]]:
    for i, tok in enumerate(toks[:-2]):
        if tok.upper == "COUNT" and toks[i + 1].text == "(" and toks[i + 2].upper == "DISTINCT":
            yield toks[i + 2], toks[i + 2], ""


OPERATORS = {
    "ror": _ror,
    "in_drop": _in_drop,
    "case_drop": _case_drop,
    "logic": _logic,
    "int_literal": _int_literal,
    "count_distinct": _count_distinct,
}


def mutants(path: str, text: str, operators: tuple[str, ...] = tuple(OPERATORS)) -> list[Mutant]:
    """Every mutant of one template, in file order."""
    toks = tokens(text)
    out: list[Mutant] = []
    for name in operators:
        for first, last, replacement in OPERATORS[name](toks):
            start, end = first.start, last.end
            if replacement == "" and name in ("in_drop", "case_drop", "count_distinct"):
                # keep the text around it readable: a removed branch or element leaves one blank
                replacement = " " if name != "count_distinct" else ""
                if name == "count_distinct":
                    end = last.end
                    while end < len(text) and text[end] == " ":
                        end += 1
            out.append(Mutant(path, name, start, end, replacement, _line_of(text, start), text[start:end]))
    out.sort(key=lambda m: (m.start, m.operator, m.replacement))
    return out
