"""Errors of the Oracle -> DuckDB bridge."""

from __future__ import annotations


class UnsupportedConstruct(ValueError):
    """Raised when an Oracle construct has no faithful DuckDB translation."""


class InvalidCall(UnsupportedConstruct):
    """A call that Oracle would reject when it runs, found while translating (an unknown literal
    key of parse_listener_log_line): the message is the error Oracle would raise."""
