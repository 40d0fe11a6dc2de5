"""The translation driver: checks the statement, rewrites ROWNUM and ``(+)``, then rewrites the tree
bottom-up, one handler per node (node_handlers, function_handlers), and rejects what is left
untranslated."""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

from sqlglot import exp
from sqlglot.transforms import eliminate_join_marks

from .errors import UnsupportedConstruct
from .nodes import const_value, num_lit
from .parser import CALLED_META
from .typer import AMBIGUOUS, DATE, KIND_META, UNKNOWN, BridgeOptions, Typer, function_name


def called_name(node: exp.Expression) -> str:
    """The function name as the user wrote it (recorded by the parser), else sqlglot's name."""
    return str(node.meta.get(CALLED_META) or function_name(node)).upper()


#: sqlglot typed functions whose DuckDB rendering has Oracle semantics.
_ALLOWED_TYPED_FUNCS: tuple[type, ...] = (
    exp.Count, exp.Sum, exp.Avg, exp.Max, exp.Min, exp.Lag, exp.Lead, exp.RowNumber, exp.Rank,
    exp.DenseRank, exp.FirstValue, exp.LastValue, exp.Abs, exp.Ceil, exp.Floor, exp.Sign,
    exp.Sqrt, exp.Exp, exp.Ln, exp.Pow, exp.Extract, exp.Cast, exp.Nullif, exp.Coalesce,
    exp.Chr, exp.Ascii, exp.Upper, exp.Lower, exp.Length, exp.Trim, exp.Case, exp.If,
    exp.GroupConcat, exp.Stddev, exp.StddevSamp, exp.StddevPop, exp.Variance, exp.VariancePop,
    exp.NthValue, exp.Ntile, exp.PercentRank, exp.CumeDist, exp.Greatest, exp.Least,
    exp.Round, exp.Trunc, exp.DateTrunc, exp.StrToTime, exp.Anonymous, exp.CurrentTimestamp,
    exp.Interval, exp.Systimestamp, exp.RegexpLike, exp.RegexpExtract, exp.RegexpReplace,
    exp.Substring, exp.StrPosition, exp.Pad, exp.Replace, exp.Concat, exp.ArrayToString,
    exp.Log, exp.CountIf, exp.Filter, exp.Predicate, exp.Unnest,
)

#: sqlglot classes of the Oracle functions and expressions the bridge takes as typed nodes (the
#: others, raw calls, are checked by name: the function handlers and the engine's functions).
#: Anything else the parser recognises (DuckDB's read_csv, glob, count_if, unnest ...) is refused
#: before translation: the engine runs Oracle SQL, not DuckDB's.
_ORACLE_TYPED_FUNCS: tuple[type, ...] = (
    exp.And, exp.Or, exp.Exists, exp.Case, exp.If, exp.Cast, exp.Extract, exp.Trim, exp.GroupConcat,
    exp.Count, exp.Sum, exp.Avg, exp.Max, exp.Min, exp.Stddev, exp.StddevSamp, exp.StddevPop,
    exp.Variance, exp.VariancePop, exp.Lag, exp.Lead, exp.RowNumber, exp.Rank, exp.DenseRank,
    exp.FirstValue, exp.LastValue, exp.NthValue, exp.Ntile, exp.PercentRank, exp.CumeDist,
    exp.Abs, exp.Ceil, exp.Floor, exp.Sign, exp.Sqrt, exp.Exp, exp.Ln, exp.Pow, exp.Log,
    exp.Chr, exp.Ascii, exp.CurrentTimestamp, exp.Systimestamp, exp.Localtimestamp, exp.CurrentDate,
)

_PSEUDO_COLUMNS = {"ROWNUM", "ROWID", "LEVEL", "USER", "UID", "ORA_ROWSCN",
                   "CONNECT_BY_ISLEAF", "CONNECT_BY_ISCYCLE", "SYSDATE"}


#: rewrites one node (its children already rewritten) and returns its replacement
Handler = Callable[["Translator", Any], exp.Expression]


class Translator:
    """``node_handlers``: by sqlglot node class; ``function_handlers``: by Oracle function name
    (upper case), ``other_function`` for any other function call."""

    def __init__(self, opts: BridgeOptions, node_handlers: Mapping[type, Handler],
                 function_handlers: Mapping[str, Handler], other_function: Handler):
        self.opts = opts
        self.typer = Typer(opts, set())
        self.node_handlers = node_handlers
        self.function_handlers = function_handlers
        self.other_function = other_function

    # -- driver ---------------------------------------------------------------------------
    def translate(self, tree: exp.Expression) -> exp.Expression:
        if isinstance(tree, exp.Create):
            kind = (tree.args.get("kind") or "").upper()
            if kind != "VIEW":
                raise UnsupportedConstruct(f"CREATE {kind or '?'} (only CREATE [OR REPLACE] VIEW)")
            if tree.args.get("properties") and any(
                    not isinstance(p, exp.ForceProperty) if hasattr(exp, "ForceProperty") else True
                    for p in tree.args["properties"].expressions):
                raise UnsupportedConstruct(
                    f"CREATE VIEW properties: {tree.args['properties'].sql(dialect='oracle')}")
            tree.set("properties", None)
        elif not isinstance(tree, exp.Query):
            raise UnsupportedConstruct(f"statement {tree.key.upper()} (only SELECT/WITH/CREATE VIEW)")
        self._reject_structural(tree)
        self._reject_other_functions(tree)
        for hint in list(tree.find_all(exp.Hint)):
            hint.pop()  # optimizer hints (/*+ materialize */) steer Oracle's plan only; DuckDB has none
        self._collect_date_aliases(tree)
        self._rownum_to_limit(tree)
        tree = self._outer_joins(tree)
        tree = self._rewrite(tree)
        self._final_check(tree)
        return tree

    def _reject_structural(self, tree: exp.Expression) -> None:
        for node in tree.walk():
            if isinstance(node, exp.Connect):
                raise UnsupportedConstruct("CONNECT BY (hierarchical query)")
            if isinstance(node, exp.Prior):
                raise UnsupportedConstruct("PRIOR")
            if isinstance(node, (exp.Pivot,)):
                raise UnsupportedConstruct("PIVOT/UNPIVOT")
            if isinstance(node, exp.Lock):
                raise UnsupportedConstruct("FOR UPDATE")
            if isinstance(node, exp.Concat):
                # sqlglot joins adjacent string literals ('a' 'b'); Oracle rejects them
                # (ORA-00907 / ORA-00917): almost always a missing comma in a list
                raise UnsupportedConstruct(
                    f"adjacent string literals {node.sql(dialect='oracle')} (Oracle rejects this: missing comma?)")
            if isinstance(node, exp.Column) and not node.table:
                if node.name.upper() in _PSEUDO_COLUMNS - {"ROWNUM", "SYSDATE"} and not node.this.quoted:
                    raise UnsupportedConstruct(f"pseudo-column {node.name.upper()}")
            if isinstance(node, exp.Column) and node.table and node.name.upper() in ("NEXTVAL", "CURRVAL"):
                raise UnsupportedConstruct(f"sequence {node.sql(dialect='oracle')}")
            if isinstance(node, exp.Fetch):
                opts = node.args.get("limit_options")
                if node.args.get("percent") or node.args.get("with_ties") or (
                        opts is not None and (opts.args.get("percent") or opts.args.get("with_ties"))):
                    raise UnsupportedConstruct("FETCH FIRST ... PERCENT / WITH TIES")

    def _reject_other_functions(self, tree: exp.Expression) -> None:
        """Only Oracle's functions (those the bridge translates) and the engine's own: an allow-list,
        so that no DuckDB function (read_text, read_csv, glob, getenv ...) and no table function
        reaches the engine."""
        known = set(self.function_handlers) | {name.upper() for name in self.opts.functions}
        for node in tree.walk():
            if isinstance(node, exp.Table) and not isinstance(node.this, exp.Identifier):
                raise UnsupportedConstruct(f"table function {called_name(node.this)} (Oracle SQL only: "
                                           "query a table or a view)")
            if isinstance(node, exp.Anonymous):
                if function_name(node) not in known:
                    raise UnsupportedConstruct(f"function {called_name(node)} is not one of the Oracle "
                                               "functions the embedded engine runs")
            elif isinstance(node, exp.Func) and not isinstance(node, _ORACLE_TYPED_FUNCS):
                raise UnsupportedConstruct(f"function {called_name(node)} is not one of the Oracle "
                                           "functions the embedded engine runs")

    def _collect_date_aliases(self, tree: exp.Expression) -> None:
        """Aliases of DATE expressions are DATE columns for outer query blocks."""
        for _ in range(3):
            before = set(self.typer.dates)
            for alias in tree.find_all(exp.Alias):
                if self.typer.kind(alias.this) == DATE:
                    self.typer.dates.add(alias.alias.lower())
            if self.typer.dates == before:
                break

    # -- ROWNUM ---------------------------------------------------------------------------
    def _rownum_to_limit(self, tree: exp.Expression) -> None:
        """``WHERE ... AND ROWNUM <= n`` in a plain query block -> LIMIT n.
        https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/ROWNUM-Pseudocolumn.html
        (ROWNUM is assigned before ORDER BY/GROUP BY; only blocks without them are supported)."""
        for col in list(tree.find_all(exp.Column)):
            if col.table or col.name.upper() != "ROWNUM" or col.this.quoted:
                continue
            cmp = col.parent
            select = cmp.find_ancestor(exp.Select) if cmp else None
            where = select.args.get("where") if select else None
            conjuncts = list(where.this.flatten()) if where and isinstance(where.this, exp.And) \
                else ([where.this] if where else [])
            if cmp not in conjuncts or not isinstance(cmp, (exp.LTE, exp.LT, exp.EQ)) \
                    or cmp.this is not col:
                raise UnsupportedConstruct("ROWNUM (only a top-level WHERE ROWNUM <= n is supported)")
            n = const_value(cmp.expression)
            if n is None:
                raise UnsupportedConstruct("ROWNUM compared with a non-constant")
            if select.args.get("order") or select.args.get("group") or select.args.get("distinct") \
                    or select.args.get("limit") or any(select.find_all(exp.AggFunc)):
                raise UnsupportedConstruct("ROWNUM together with ORDER BY/GROUP BY/DISTINCT/aggregates")
            if isinstance(cmp, exp.LTE):
                limit = math.floor(n)
            elif isinstance(cmp, exp.LT):
                limit = math.ceil(n) - 1
            else:
                if n != 1:
                    raise UnsupportedConstruct("ROWNUM = n with n != 1 (never true in Oracle)")
                limit = 1
            rest = [c for c in conjuncts if c is not cmp]
            if rest:
                where.set("this", exp.and_(*[c.copy() for c in rest]))
            else:
                select.set("where", None)
            select.set("limit", exp.Limit(expression=num_lit(max(limit, 0))))

    # -- (+) outer joins ------------------------------------------------------------------
    def _outer_joins(self, tree: exp.Expression) -> exp.Expression:
        """Oracle ``(+)`` join marks -> ANSI LEFT JOIN (sqlglot's eliminate_join_marks).
        https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/Joins.html"""
        if not any(c.args.get("join_mark") for c in tree.find_all(exp.Column)):
            return tree
        try:
            tree = eliminate_join_marks(tree)
        except Exception as err:  # pragma: no cover - depends on sqlglot internals
            raise UnsupportedConstruct(f"Oracle outer join (+): {err}") from err
        if any(c.args.get("join_mark") for c in tree.find_all(exp.Column)):
            raise UnsupportedConstruct("Oracle outer join (+) in this position")
        return tree

    # -- generic post-order rewrite -------------------------------------------------------
    def _rewrite(self, node: exp.Expression) -> exp.Expression:
        for key, value in list(node.args.items()):
            if isinstance(value, exp.Expression):
                new = self._rewrite(value)
                if new is not value:
                    node.set(key, new)
            elif isinstance(value, list):
                new_list = [self._rewrite(v) if isinstance(v, exp.Expression) else v for v in value]
                if any(a is not b for a, b in zip(new_list, value)):
                    node.set(key, new_list)
        handler = self.node_handlers.get(type(node))
        if isinstance(node, exp.Anonymous):
            handler = self.function_handlers.get(function_name(node), self.other_function)
        if handler is None:
            return node
        kind = self.typer.kind(node) if not isinstance(node, exp.Anonymous) else None
        out = handler(self, node)
        if out is not node and KIND_META not in out.meta and kind not in (None, UNKNOWN):
            out.meta[KIND_META] = kind
        return out

    def _final_check(self, tree: exp.Expression) -> None:
        for node in tree.walk():
            if isinstance(node, exp.Func) and not isinstance(node, _ALLOWED_TYPED_FUNCS) \
                    and not isinstance(node, (exp.Binary, exp.Unary, exp.Condition)) \
                    and not node.meta.get("bridge_ok"):
                raise UnsupportedConstruct(f"function {node.sql_name()} ({node.sql(dialect='oracle')[:60]})")
            if isinstance(node, exp.Kwarg):
                raise UnsupportedConstruct(f"named notation in {node.parent.sql(dialect='oracle')[:60]}")

    # -- kind helpers ---------------------------------------------------------------------
    def kind(self, node: exp.Expression) -> str:
        return self.typer.kind(node)

    def require_not_ambiguous(self, node: exp.Expression, where: str) -> None:
        for operand in (node.this, node.expression) if isinstance(node, exp.Binary) else (node,):
            if self.kind(operand) == AMBIGUOUS:
                raise UnsupportedConstruct(
                    f"{where}: cannot tell whether {operand.sql(dialect='oracle')} is a DATE "
                    f"(declare it in date_columns)")
