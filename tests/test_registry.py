"""The harness names no operation: everything but the operations' own modules iterates the
registry. Read off the syntax tree, not grepped: a line of an operation (``{"op": NAME}``), a
comparison with an operation's name (``op["op"] == NAME``, ``operation.name in (...)``) or a
lookup of one by name (``operations(s)[NAME]``, ``operation(s, NAME)``) anywhere else is a
place that would drift from the registry."""

from __future__ import annotations

import ast
from pathlib import Path

from arenacheck.ops import operations

PACKAGE = Path(__file__).resolve().parent.parent / "arenacheck"
NAMES = {name for structure in ("alist", "intervals") for name in operations(structure)}
#: Where operation names belong, and why.
ALLOWED = {
    "ops": "the operations themselves: each module is one operation's spec",
    "gallery": "planted bugs and legal variants: implementations, loaded as data",
    "workloads": "programs traced from real code, and the benchmarks that time them: they emit "
    "programs, as a user's own generator would",
}


def _names_an_operation(node: ast.AST) -> bool:
    def named(value: ast.AST) -> bool:
        if isinstance(value, ast.Constant):
            return value.value in NAMES
        if isinstance(value, ast.Tuple | ast.List | ast.Set):
            return any(named(e) for e in value.elts)
        if isinstance(value, ast.Subscript):  # ("insert", "replace")[kind]
            return named(value.value)
        return False

    def is_op_field(value: ast.AST) -> bool:
        subscript = isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant)
        if subscript and value.slice.value == "op":  # type: ignore[attr-defined]
            return True
        if isinstance(value, ast.Attribute) and value.attr == "name":
            return True
        getter = isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
        return bool(getter and value.func.attr == "get" and value.args  # type: ignore[attr-defined]
                    and isinstance(value.args[0], ast.Constant) and value.args[0].value == "op")  # type: ignore[attr-defined]  # fmt: skip

    if isinstance(node, ast.Dict):
        return any(
            isinstance(k, ast.Constant) and k.value == "op" and named(v)
            for k, v in zip(node.keys, node.values, strict=True)
        )
    if isinstance(node, ast.Compare):
        sides = [node.left, *node.comparators]
        return any(is_op_field(a) for a in sides) and any(named(b) for b in sides)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call):
        func = node.value.func
        return isinstance(func, ast.Name) and func.id == "operations" and named(node.slice)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id == "operation" and any(named(a) for a in node.args[1:])
    return False


def places() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        part = path.relative_to(PACKAGE).parts[0]
        if part in ALLOWED or path.is_symlink() or part in ("model", "impl"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if _names_an_operation(node):
                found.append(f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}")
    return found


def test_no_module_outside_the_operations_names_one() -> None:
    assert places() == []


def test_the_check_sees_a_name_where_there_is_one(tmp_path: Path) -> None:
    """(No check that cannot fail.)"""
    for text in ['x = {"op": "insert", "src": 0}', 'ok = op["op"] == "extend"',
                 'f = operations("alist")["union"]']:  # fmt: skip
        assert any(_names_an_operation(node) for node in ast.walk(ast.parse(text))), text
    assert not any(_names_an_operation(n) for n in ast.walk(ast.parse('s = "intervals"')))
