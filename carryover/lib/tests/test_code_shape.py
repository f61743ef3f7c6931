"""No function or method outside tests and migrations is longer than 60 lines or of cyclomatic complexity above 15
(docs/ARCHITECTURE.md, "Code shape"): past that a reader cannot hold it, so split it into named steps."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Function

PACKAGE = Path(__file__).resolve().parents[2]
MAX_LINES, MAX_COMPLEXITY = 60, 15


def functions(source: str) -> list[Function]:
    """Every function and method of a module, nested ones included (radon lists methods both under their class
    and on their own, so classes are skipped)."""
    found, todo = [], [block for block in cc_visit(source) if isinstance(block, Function)]
    while todo:
        fn = todo.pop()
        found.append(fn)
        todo += fn.closures
    return found


def too_big(source: str) -> list[str]:
    return [
        f"{fn.fullname} (line {fn.lineno}): {fn.endline - fn.lineno + 1} lines, complexity {fn.complexity}"
        for fn in functions(source)
        if fn.endline - fn.lineno + 1 > MAX_LINES or fn.complexity > MAX_COMPLEXITY
    ]


def test_no_function_is_over_60_lines_or_complexity_15():
    modules = [p for p in PACKAGE.rglob("*.py") if not {"tests", "migrations"} & set(p.relative_to(PACKAGE).parts)]
    problems = [f"{path.relative_to(PACKAGE)}: {p}" for path in modules for p in too_big(path.read_text())]
    assert len(modules) > 100 and problems == []


def test_the_shape_check_sees_methods_nested_functions_and_long_bodies():
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(16))
    long_body = "".join(f"        y = {i}\n" for i in range(61))
    source = f"def branchy(x):\n{branches}\nclass A:\n    def long(self):\n{long_body}\n"
    source += "def outer():\n    def inner(x):\n" + branches.replace("    ", "        ") + "    return inner\n"
    assert sorted(line.split(" (")[0] for line in too_big(source)) == ["A.long", "branchy", "inner"]
