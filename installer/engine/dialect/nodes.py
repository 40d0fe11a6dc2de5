"""Small builders of sqlglot nodes, argument checks and constant folding, shared by the handlers."""

from __future__ import annotations

from fractions import Fraction
from typing import Optional

from sqlglot import exp

from .errors import UnsupportedConstruct
from .typer import INTERVAL, STRING, _fname, _with_kind


def _fn(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _str(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _num(value) -> exp.Literal:
    return exp.Literal.number(value)


def _nullif_empty(node: exp.Expression) -> exp.Expression:
    """Oracle has no empty string: a function result '' is NULL."""
    return _with_kind(exp.Nullif(this=node, expression=_str("")), STRING)


def _const(node: Optional[exp.Expression]) -> Optional[Fraction]:
    """Exact value of a constant numeric expression (literals, + - * /, parentheses)."""
    if node is None:
        return None
    if isinstance(node, exp.Paren):
        return _const(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return Fraction(node.this)
        except (ValueError, ZeroDivisionError):
            return None
    if isinstance(node, exp.Neg):
        v = _const(node.this)
        return None if v is None else -v
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        a, b = _const(node.this), _const(node.expression)
        if a is None or b is None:
            return None
        if isinstance(node, exp.Add):
            return a + b
        if isinstance(node, exp.Sub):
            return a - b
        if isinstance(node, exp.Mul):
            return a * b
        return None if b == 0 else a / b
    return None


def _const_str(node: Optional[exp.Expression], what: str) -> str:
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    raise UnsupportedConstruct(f"{what} must be a string literal")


def _interval_seconds(seconds: int) -> exp.Expression:
    return _with_kind(exp.Interval(this=_str(str(seconds)), unit=exp.Var(this="SECOND")), INTERVAL)


def _days_to_interval(days: Fraction, what: str) -> exp.Expression:
    seconds = days * 86400
    if seconds.denominator != 1:
        raise UnsupportedConstruct(
            f"{what}: {days} days is not a whole number of seconds (Oracle DATE has seconds)")
    return _interval_seconds(int(seconds))


def _args(node: exp.Anonymous, lo: int, hi: int) -> list[exp.Expression]:
    args = list(node.expressions)
    if not lo <= len(args) <= hi:
        raise UnsupportedConstruct(f"{_fname(node)} with {len(args)} arguments")
    return args
