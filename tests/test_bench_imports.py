"""Every name a bench script imports from another bench module is defined there: a helper moved under the
scripts (bench/search.py's `pct` became bench/stack.py's `percentile`) fails here, not on the day the bench is
run. Read from the source, since the scripts parse their arguments and set the environment when imported."""

import ast
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = sorted(BENCH.glob("*.py"))


def _defined(module: ast.Module) -> set[str]:
    """The names a module binds at its top level (functions, classes, assignments, imports)."""
    names = set()
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_what_a_bench_script_imports_from_bench_exists(script):
    missing = []
    for node in ast.walk(ast.parse(script.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bench."):
            source = BENCH / f"{node.module.removeprefix('bench.')}.py"
            defined = _defined(ast.parse(source.read_text()))
            missing += [f"{node.module}.{a.name}" for a in node.names if a.name not in defined]
    assert missing == []
