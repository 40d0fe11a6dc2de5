"""The package's import graph, read from the source with ast (nothing is imported):

* no cycle among lsnrmine's modules, function-local imports included (an import under
  ``if TYPE_CHECKING:`` does not run and is not an edge);
* no module imports another module's ``_private`` name (``from .x import _name``) or reads one
  through a module it imported (``x._name``);
* a module imports only from its own layer or the layers below (docs/ARCHITECTURE.md);
* a function-local import is of a heavy optional module only (duckdb, sqlglot, oracledb, jinja2,
  or lsnrmine.engine, which loads duckdb and sqlglot), with a comment on its line saying why.

Each check is also run on a small package written here, so that it is shown to fail.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "lsnrmine"
SOURCE = Path(__file__).resolve().parents[1] / "installer"
#: what a function may import locally: modules whose import is expensive (tens of ms or more)
HEAVY = ("duckdb", "sqlglot", "oracledb", "jinja2", f"{PACKAGE}.engine",
         f"{PACKAGE}.cli")  # the console script's entry imports the CLI inside its Ctrl-C guard
#: docs/ARCHITECTURE.md's layers, by the first name under the package (a new module is added here)
LAYERS = {
    "__main__": 6, "entry": 6, "cli": 5,
    "install": 4, "verify": 4, "audit": 4, "connect": 4, "preflight": 4, "install_sql": 4, "read_errors": 4,
    "alerts": 4, "dashboard": 4, "report_rows": 4, "follow": 4, "ingest": 4,
    "engine": 3,
    "manifest": 2, "templates": 2, "render": 2, "report_catalogue": 2, "runner": 2,
    "settings": 1, "identifiers": 1, "errors": 1, "db": 1, "output": 1, "parse": 1, "discover": 1,
    "": 0,  # the package itself: __version__
}


@dataclass
class Graph:
    modules: set[str] = field(default_factory=set)
    edges: dict[str, set[str]] = field(default_factory=dict)
    #: (module, line, text) of every import of another module's private name
    private: list[tuple[str, int, str]] = field(default_factory=list)
    #: (module, line, imported module) of every function-local import that is not allowed
    local: list[tuple[str, int, str]] = field(default_factory=list)


def _module_name(root: Path, path: Path, package: str) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([package, *parts])


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else None
            if name == "TYPE_CHECKING":
                for stmt in node.body:
                    inside.update(id(sub) for sub in ast.walk(stmt))
    return inside


def _function_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for stmt in ast.walk(node):
                if stmt is not node:
                    inside.add(id(stmt))
    return inside


def build_graph(root: Path, package: str = PACKAGE) -> Graph:
    files = sorted(root.rglob("*.py"))
    graph = Graph(modules={_module_name(root, f, package) for f in files})
    for path in files:
        module = _module_name(root, path, package)
        is_package = path.name == "__init__.py"
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text, filename=str(path))
        skipped = _type_checking_nodes(tree)
        in_function = _function_nodes(tree)
        edges = graph.edges.setdefault(module, set())
        aliases: dict[str, str] = {}  # local name -> package module it is bound to

        def add(target: str, node: ast.AST) -> None:
            if target in graph.modules and target != module:
                edges.add(target)
            if id(node) in in_function:
                allowed = any(target == h or target.startswith(h + ".") for h in HEAVY)
                if not allowed or "#" not in lines[node.lineno - 1]:
                    graph.local.append((module, node.lineno, target))

        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(alias.name, node)
                    if alias.name in graph.modules:
                        aliases[alias.asname or alias.name.split(".")[0]] = alias.name
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = module.split(".") if is_package else module.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    if submodule in graph.modules:  # from . import x: x is a module
                        add(submodule, node)
                        aliases[alias.asname or alias.name] = submodule
                    else:
                        add(source, node)
                        if source in graph.modules and source != module and _is_private(alias.name):
                            graph.private.append((module, node.lineno, f"from {source} import {alias.name}"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and aliases[node.value.id] != module and _is_private(node.attr)):
                graph.private.append((module, node.lineno, f"{aliases[node.value.id]}.{node.attr}"))
    return graph


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return cycles


# -- the package ----------------------------------------------------------------------------------
def test_the_package_has_no_import_cycle() -> None:
    graph = build_graph(SOURCE)
    assert f"{PACKAGE}.cli.common" in graph.modules and f"{PACKAGE}.engine.session" in graph.modules
    assert f"{PACKAGE}.engine.session" in graph.edges[f"{PACKAGE}.cli.common"]  # a function-local import is an edge
    assert find_cycles(graph.edges) == []


def test_no_module_uses_another_modules_private_names() -> None:
    assert build_graph(SOURCE).private == []


def test_function_local_imports_are_heavy_modules_with_a_reason() -> None:
    assert build_graph(SOURCE).local == []


def upward_imports(graph: Graph, layers: dict[str, int]) -> list[tuple[str, str]]:
    """(importer, imported) pairs where a module imports from a higher layer."""

    def layer(module: str) -> int:
        return layers[module.split(".")[1] if "." in module else ""]

    return sorted((m, t) for m, targets in graph.edges.items() for t in targets if layer(t) > layer(m))


def test_every_module_has_a_layer_and_imports_only_downwards() -> None:
    graph = build_graph(SOURCE)
    assert sorted({m.split(".")[1] for m in graph.modules if "." in m} - set(LAYERS)) == []
    assert upward_imports(graph, LAYERS) == []


def test_nothing_below_the_cli_imports_it() -> None:
    graph = build_graph(SOURCE)
    cli = f"{PACKAGE}.cli"
    users = {m for m, targets in graph.edges.items()
             if not (m == cli or m.startswith(cli + ".") or m in (f"{PACKAGE}.__main__", f"{PACKAGE}.entry"))
             and any(t == cli or t.startswith(cli + ".") for t in targets)}
    assert users == set()


# -- the checks fail when they should -------------------------------------------------------------
def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_cycle_through_a_function_local_import_is_found(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "from . import b\n",
        "b.py": "def f():\n    from .sub.c import g  # a reason\n    return g\n",
        "sub/__init__.py": "",
        "sub/c.py": "from ..a import b\n\ndef g():\n    return b\n",
        "d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n",
    })
    graph = build_graph(root, "pkg")
    assert find_cycles(graph.edges) == [["pkg.a", "pkg.b", "pkg.sub.c"]]
    assert "pkg.a" not in graph.edges["pkg.d"]  # TYPE_CHECKING: no edge
    assert graph.local == [("pkg.b", 2, "pkg.sub.c")]  # not a heavy module
    assert upward_imports(graph, {"": 0, "a": 1, "b": 1, "sub": 2, "d": 1}) == [("pkg.b", "pkg.sub.c")]


def test_private_names_across_modules_are_found(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "__init__.py": "__version__ = '1'\n",
        "a.py": "def _hidden():\n    return 1\n\ndef shown():\n    return _hidden()\n",
        "b.py": "from . import __version__\nfrom .a import _hidden, shown\n",
        "c.py": "from . import a as mod\n\nvalue = mod._hidden() + mod.shown()\n",
        "d.py": "import duckdb\n\ndef f():\n    import jinja2\n    import duckdb  # heavy: loaded on first use\n",
    })
    graph = build_graph(root, "pkg")
    assert sorted(graph.private) == [("pkg.b", 2, "from pkg.a import _hidden"), ("pkg.c", 3, "pkg.a._hidden")]
    assert graph.local == [("pkg.d", 4, "jinja2")]  # heavy, but no reason given
    assert find_cycles(graph.edges) == []
