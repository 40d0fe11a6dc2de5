"""Small builders of sqlglot nodes, argument checks and constant folding, shared by the handlers."""

from __future__ import annotations

from fractions import Fraction
from typing import Optional

from sqlglot import exp

from .errors import UnsupportedConstruct
from .typer import INTERVAL, STRING, function_name, with_kind


def fn(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def str_lit(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def num_lit(value) -> exp.Literal:
    return exp.Literal.number(value)


def nullif_empty(node: exp.Expression) -> exp.Expression:
    """Oracle has no empty string: a function result '' is NULL."""
    return with_kind(exp.Nullif(this=node, expression=str_lit("")), STRING)


def const_value(node: Optional[exp.Expression]) -> Optional[Fraction]:
    """Exact value of a constant numeric expression (literals, + - * /, parentheses)."""
    if node is None:
        return None
    if isinstance(node, exp.Paren):
        return const_value(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return Fraction(node.this)
        except (ValueError, ZeroDivisionError):
            return None
    if isinstance(node, exp.Neg):
        v = const_value(node.this)
        return None if v is None else -v
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        a, b = const_value(node.this), const_value(node.expression)
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


def const_str(node: Optional[exp.Expression], what: str) -> str:
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    raise UnsupportedConstruct(f"{what} must be a string literal")


def interval_seconds(seconds: int) -> exp.Expression:
    return with_kind(exp.Interval(this=str_lit(str(seconds)), unit=exp.Var(this="SECOND")), INTERVAL)


def days_to_interval(days: Fraction, what: str) -> exp.Expression:
    seconds = days * 86400
    if seconds.denominator != 1:
        raise UnsupportedConstruct(
            f"{what}: {days} days is not a whole number of seconds (Oracle DATE has seconds)")
    return interval_seconds(int(seconds))


def call_args(node: exp.Anonymous, lo: int, hi: int) -> list[exp.Expression]:
    args = list(node.expressions)
    if not lo <= len(args) <= hi:
        raise UnsupportedConstruct(f"{function_name(node)} with {len(args)} arguments")
    return args


def padded_args(node: exp.Anonymous, lo: int, hi: int) -> list[Optional[exp.Expression]]:
    """``call_args`` padded with None up to ``hi`` (the optional arguments left out)."""
    args: list[Optional[exp.Expression]] = list(call_args(node, lo, hi))
    return args + [None] * (hi - len(args))
