"""No import cycle among the library's modules (module-level imports, read from the source)."""

from __future__ import annotations

import ast

from cchc_analysis.config import PROJ_ROOT

PKG = PROJ_ROOT / "cchc_analysis"


def _module_name(path) -> str:
    parts = list(path.relative_to(PROJ_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _graph(deep: bool = False) -> dict[str, set[str]]:
    """Module -> modules it imports (at module level; ``deep``: inside functions too)."""
    modules = {_module_name(p): p for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in modules.items():
        is_pkg = path.name == "__init__.py"
        base = mod.split(".") if is_pkg else mod.split(".")[:-1]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in (ast.walk(tree) if deep else tree.body):
            if isinstance(node, ast.ImportFrom) and node.level:
                pkg = ".".join(base[: len(base) - node.level + 1])
                target = f"{pkg}.{node.module}" if node.module else None  # `from . import x`: only x
                names = [f"{target or pkg}.{a.name}" for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cchc_analysis"):
                target, names = node.module, [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                target, names = None, [a.name for a in node.names if a.name.startswith("cchc_analysis")]
            else:
                continue
            for t in ([target] if target else []) + names:
                if t in modules and t != mod:
                    graph[mod].add(t)
    return graph


def _cycles(graph):
    seen, stack, found = set(), [], []

    def visit(m):
        if m in stack:
            found.append(stack[stack.index(m):] + [m])
            return
        if m in seen:
            return
        seen.add(m)
        stack.append(m)
        for n in sorted(graph[m]):
            visit(n)
        stack.pop()

    for m in sorted(graph):
        visit(m)
    return found


def test_no_import_cycle():
    graph = _graph()
    assert "cchc_analysis.synthetic.survey" in graph and graph["cchc_analysis.survey"]
    assert _cycles(graph) == []


def test_synthetic_does_not_import_survey_analysis():
    graph = _graph(deep=True)
    synthetic = {m for m in graph if m.startswith("cchc_analysis.synthetic")}
    assert not any(t.startswith("cchc_analysis.survey") for m in synthetic for t in graph[m])


def test_no_cycle_through_io_survey_synthetic_even_inside_functions():
    mine = ("cchc_analysis.io", "cchc_analysis.survey", "cchc_analysis.synthetic", "cchc_analysis.stats")
    cycles = [c for c in _cycles(_graph(deep=True)) if any(m.startswith(mine) for m in c)]
    assert cycles == []
