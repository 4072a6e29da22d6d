"""The shape the project keeps (issue 11): no import cycle, no source file over 500 lines, and no
platform dispatch outside sites/ (the pipeline names no platform)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from threadkeep.sites import registry

SRC = Path(__file__).resolve().parents[1] / "src" / "threadkeep"


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("").as_posix().replace("/", ".")
    return rel.removesuffix(".__init__")


MODULES = {_module(p): p for p in SRC.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Modules this one imports when it is loaded: module-level imports (not those inside
    functions or under TYPE_CHECKING), each with the packages whose __init__ it runs."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    this = _module(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]

    def add(name: str) -> None:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            candidate = ".".join(parts[:i])
            if candidate in MODULES and candidate != this and not this.startswith(candidate + "."):
                found.add(candidate)

    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            add(base)
            for alias in node.names:
                add(f"{base}.{alias.name}")
    return found


def test_no_import_cycle():
    graph = {m: _imports(p) for m, p in MODULES.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(start: str) -> None:
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            if state.get(child) == 1:
                cycles.append([*path[path.index(child) :], child])
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph[child]))))

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert cycles == []


def test_no_source_file_over_500_lines():
    long = {
        str(p.relative_to(SRC)): n for p in SRC.rglob("*.py") if (n := len(p.read_text("utf-8").splitlines())) > 500
    }
    assert long == {}


def test_no_platform_dispatch_outside_sites():
    names = "|".join(re.escape(s.name) for s in registry())
    pattern = re.compile(rf"(platform|\.name|service)\s*[!=]=\s*['\"]({names})['\"]|platform\s*[!=]=")
    hits = [
        f"{p.relative_to(SRC)}:{i}"
        for p in SRC.rglob("*.py")
        if "sites" not in p.relative_to(SRC).parts
        for i, line in enumerate(p.read_text("utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert hits == []
