"""Programs from real Python code (``arenacheck trace``): the workloads the structures exist for.

Each source file gives two programs (SPEC §4), deterministically:

* **intervals**: every expression node, numbered in source order, recorded with the id of its
  scope in the order a semantic-index builder visits them (decorators, defaults and annotations
  before the body they precede; a comprehension's first iterable in the enclosing scope), then
  ``build`` and a lookup of every index and the one past the last;
* **alists**: a narrowing-constraint flow simulation over each scope. A test expression adds its
  predicate to the constraint list of every live binding (an ``insert``; keys increase in
  visiting order, the negated predicate is the next key); an assignment starts a binding with the
  empty list; branches copy the flow state (handle copies: no operation); join points intersect
  the lists of bindings live on both sides; a loop joins its body's end back into its head.

What the simulation leaves out is listed in docs/workloads.md. Traversals are iterative where
source nesting is unbounded (expressions); statements nest no deeper than the parser allows.
"""

from __future__ import annotations

import ast
import sysconfig
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from arenacheck.model.intervals import coalesced, scope_of
from arenacheck.program import Program
from arenacheck.structures import Op

SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
TYPE_PARAMS = "type_params"  # Python 3.12+: a scope of its own around a generic's body


# --- Intervals: expressions and their scopes ---------------------------------------------------


def expression_indices(tree: ast.AST) -> dict[int, int]:
    """``id(node)`` -> the expression's index in source pre-order: by position, an outer node
    before the inner ones that start where it starts, then in tree pre-order (3.11 gives the
    parts of an f-string the f-string's own position)."""
    found: list[tuple[int, int, int, int, int]] = []
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            found.append((node.lineno, node.col_offset, depth, len(found), id(node)))
        stack.extend((child, depth + 1) for child in reversed(list(ast.iter_child_nodes(node))))
    found.sort()
    return {ident: index for index, (*_, ident) in enumerate(found)}


def _before_body(node: ast.AST) -> list[ast.AST]:
    """What a definition evaluates in the enclosing scope, in the order a builder visits it."""
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *node.keywords]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
    args = node.args
    defaults: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    if isinstance(node, ast.Lambda):
        return defaults
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    notes = [a.annotation for a in every if a.annotation is not None]
    returns = [node.returns] if node.returns is not None else []
    return [*node.decorator_list, *defaults, *notes, *returns]


def _body(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Lambda):
        return [node.body]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    return list(node.body)


def scope_records(tree: ast.AST) -> list[tuple[int, int]]:
    """``(index, scope)`` of every expression, in visiting order; the module is scope 0."""
    index = expression_indices(tree)
    records: list[tuple[int, int]] = []
    scopes = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]

    def push(nodes: list[Any], scope: int) -> None:
        stack.extend((n, scope) for n in reversed(nodes))

    while stack:
        node, scope = stack.pop()
        if isinstance(node, ast.expr):
            records.append((index[id(node)], scope))
        if isinstance(node, SCOPES):
            scopes += 1
            inner = scopes
            if getattr(node, TYPE_PARAMS, None):
                scopes += 1  # the type parameters' scope, then the body's inside it
                push(getattr(node, TYPE_PARAMS), inner)
                inner = scopes
            push(_body(node), inner)  # visited after what comes before it (stack: pushed first)
            push(_before_body(node), scope)
        elif isinstance(node, COMPREHENSIONS):
            scopes += 1
            first, *rest = node.generators
            inner_nodes: list[Any] = [first.target, *first.ifs]
            for gen in rest:
                inner_nodes += [gen.target, gen.iter, *gen.ifs]
            inner_nodes += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            push(inner_nodes, scopes)
            push([first.iter], scope)
        else:
            push(list(ast.iter_child_nodes(node)), scope)
    return records


def intervals_program(tree: ast.AST) -> Program:
    records = scope_records(tree)
    ops: list[Op] = [{"op": "record", "index": i, "scope": s} for i, s in records]
    ops.append({"op": "build"})
    ops += [{"op": "lookup", "index": i} for i in range(len(records) + 1)]
    return Program("intervals", ops)


# --- Alists: a narrowing-constraint flow simulation ----------------------------------------------

#: name -> {binding id -> program variable of its constraint list}
State = dict[str, dict[int, int]]


@dataclass
class Flow:
    """The program being written, and the counters that make it deterministic."""

    ops: list[Op] = field(default_factory=list)
    predicates: int = 0
    bindings: int = 0
    inserts: int = 0
    intersections: int = 0

    def predicate(self) -> int:
        """A new predicate's key; its negation is the key after it."""
        self.predicates += 1
        return 2 * self.predicates

    def narrow(self, state: State, key: int) -> State:
        """``key`` added to the constraint list of every live binding."""
        out: State = {}
        for name, live in state.items():
            out[name] = {}
            for binding, var in live.items():
                self.ops.append({"op": "insert", "src": var, "key": key})
                self.inserts += 1
                out[name][binding] = len(self.ops)
        return out

    def bind(self, state: State, name: str) -> State:
        self.bindings += 1
        return {**state, name: {self.bindings: 0}}  # variable 0: the empty list

    def join(self, states: list[State]) -> State:
        """Bindings live on any side stay live; one live on several sides keeps the
        intersection of its lists."""
        out: State = {}
        for state in states:
            for name, live in state.items():
                merged = out.setdefault(name, {})
                for binding, var in live.items():
                    if binding in merged and merged[binding] != var:
                        self.ops.append({"op": "intersect", "a": merged[binding], "b": var})
                        self.intersections += 1
                        merged[binding] = len(self.ops)
                    else:
                        merged.setdefault(binding, var)
        return out


def _targets(node: ast.AST) -> Iterator[str]:
    """Names an assignment target, pattern or import binds."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Name):
            yield n.id
        elif isinstance(n, ast.MatchAs | ast.MatchStar) and n.name:
            yield n.name
        elif isinstance(n, ast.MatchMapping) and n.rest:
            yield n.rest
        elif isinstance(n, ast.alias):
            yield (n.asname or n.name).split(".")[0]
        if not isinstance(n, ast.Attribute | ast.Subscript):
            stack.extend(reversed(list(ast.iter_child_nodes(n))))


class Simulation:
    """Runs the flow of one scope's statements; nested scopes run as flows of their own."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.pending: list[ast.AST] = []  # nested scopes, simulated after this one

    def binds(self, state: State, targets: Sequence[ast.AST]) -> State:
        for target in targets:
            for name in _targets(target):
                state = self.flow.bind(state, name)
        return state

    def test(self, node: ast.expr, state: State) -> tuple[State, int]:
        """Evaluate a test: the state after it, and its predicate's key (``key + 1``: negated)."""
        state = self.expr(node, state)
        return state, self.flow.predicate()

    def expr(self, node: ast.AST | None, state: State) -> State:
        """Evaluate an expression: boolean operators, conditional expressions and walruses narrow
        or bind; the rest only holds them. Iterative: expressions nest without bound."""
        stack = [] if node is None else [node]
        while stack:
            n = stack.pop()
            if isinstance(n, ast.BoolOp):
                exits = []
                for value in n.values[:-1]:
                    state, key = self.test(value, state)
                    stay, leave = (key, key + 1) if isinstance(n.op, ast.And) else (key + 1, key)
                    exits.append(self.flow.narrow(state, leave))
                    state = self.flow.narrow(state, stay)
                exits.append(self.expr(n.values[-1], state))
                state = self.flow.join(exits)
            elif isinstance(n, ast.IfExp):
                state, key = self.test(n.test, state)
                held, failed = self.flow.narrow(state, key), self.flow.narrow(state, key + 1)
                state = self.flow.join([self.expr(n.body, held), self.expr(n.orelse, failed)])
            elif isinstance(n, ast.NamedExpr):
                state = self.binds(self.expr(n.value, state), [n.target])
            elif isinstance(n, ast.Lambda):
                self.pending.append(n)
            elif isinstance(n, COMPREHENSIONS):
                stack.append(n.generators[0].iter)  # the rest runs in the comprehension's scope
            else:
                stack.extend(reversed(list(ast.iter_child_nodes(n))))
        return state

    def exprs(self, nodes: list[Any], state: State) -> State:
        for node in nodes:
            state = self.expr(node, state)
        return state

    def block(self, body: list[ast.stmt], state: State) -> State:
        for stmt in body:
            state = self.stmt(stmt, state)
        return state

    def stmt(self, node: ast.stmt, state: State) -> State:
        flow = self.flow
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self.pending.append(node)
            return self.binds(self.exprs(_before_body(node), state), [ast.Name(node.name)])
        if isinstance(node, ast.Assign):
            return self.binds(self.expr(node.value, state), node.targets)
        if isinstance(node, ast.AnnAssign | ast.AugAssign):
            return self.binds(self.expr(node.value, state), [node.target])
        if isinstance(node, ast.Import | ast.ImportFrom):
            return self.binds(state, [a for a in node.names if a.name != "*"])
        if isinstance(node, ast.If):
            state, key = self.test(node.test, state)
            held, failed = flow.narrow(state, key), flow.narrow(state, key + 1)
            return flow.join([self.block(node.body, held), self.block(node.orelse, failed)])
        if isinstance(node, ast.While):
            state, key = self.test(node.test, state)
            end = self.block(node.body, flow.narrow(state, key))
            head = flow.join([state, end])  # the body's end flows back to the head
            return self.block(node.orelse, flow.narrow(head, key + 1))
        if isinstance(node, ast.For | ast.AsyncFor):
            state = self.binds(self.expr(node.iter, state), [node.target])
            head = flow.join([state, self.block(node.body, state)])
            return self.block(node.orelse, head)
        if isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                state = self.expr(item.context_expr, state)
                state = self.binds(state, [item.optional_vars] if item.optional_vars else [])
            return self.block(node.body, state)
        if isinstance(node, ast.Try | ast.TryStar):
            ends = [self.block(node.orelse, self.block(node.body, state))]
            for handler in node.handlers:
                entry = self.expr(handler.type, state)
                if handler.name:
                    entry = flow.bind(entry, handler.name)
                ends.append(self.block(handler.body, entry))
            return self.block(node.finalbody, flow.join(ends))
        if isinstance(node, ast.Match):
            state = self.expr(node.subject, state)
            ends = [state]  # no case matched
            for case in node.cases:
                entry = self.binds(state, [case.pattern])
                if case.guard is not None:
                    entry, key = self.test(case.guard, entry)
                    entry = flow.narrow(entry, key)
                ends.append(self.block(case.body, entry))
            return flow.join(ends)
        if isinstance(node, ast.Assert):
            state, key = self.test(node.test, state)
            return self.expr(node.msg, flow.narrow(state, key))
        if isinstance(node, ast.Delete):
            names = {name for target in node.targets for name in _targets(target)}
            return {
                name: live
                for name, live in self.exprs(node.targets, state).items()
                if name not in names
            }
        return self.exprs(list(ast.iter_child_nodes(node)), state)


def flow_program(tree: ast.Module) -> tuple[Program, Flow]:
    """The alist program of a module: its flow, then every nested scope's, in visiting order."""
    flow = Flow()
    scopes: deque[tuple[list[ast.stmt], State]] = deque([(tree.body, {})])
    while scopes:
        body, state = scopes.popleft()
        simulation = Simulation(flow)
        simulation.block(body, state)
        for nested in simulation.pending:
            if isinstance(nested, ast.Lambda):
                scopes.append(([ast.Expr(nested.body)], _parameters(flow, nested)))
            elif isinstance(nested, ast.ClassDef):
                scopes.append((nested.body, {}))
            else:
                assert isinstance(nested, ast.FunctionDef | ast.AsyncFunctionDef)
                scopes.append((nested.body, _parameters(flow, nested)))
    return Program("alist", flow.ops), flow


def _parameters(flow: Flow, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> State:
    state: State = {}
    args = node.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None:
            state = flow.bind(state, arg.arg)
    return state


# --- Files --------------------------------------------------------------------------------------


def standard_library() -> Path:
    """The default corpus: this interpreter's standard library, found at run time."""
    return Path(sysconfig.get_paths()["stdlib"])


def sources(paths: list[Path]) -> list[tuple[Path, Path]]:
    """``(root, file)`` for every ``.py`` file under ``paths``, sorted; a file's programs are
    written under its path from ``root`` (a directory's parent: the directory's name is kept).
    Installed packages under the standard library's ``site-packages`` are left out."""
    found: list[tuple[Path, Path]] = []
    for path in paths:
        if path.is_dir():
            found += [
                (path.parent, f)
                for f in sorted(path.rglob("*.py"))
                if "site-packages" not in f.relative_to(path).parts
            ]
        else:
            found.append((path.parent, path))
    return found


@dataclass
class Counts:
    """What a trace run made: reported by ``arenacheck trace`` and quoted in the docs."""

    files: int = 0
    skipped: int = 0
    expressions: int = 0
    scopes: int = 0
    ranges: int = 0
    inserts: int = 0
    intersections: int = 0

    def add(self, other: Counts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> str:
        return (
            f"{self.files} files traced ({self.skipped} skipped: they do not parse), "
            f"{self.expressions} expressions in {self.scopes} scopes, {self.ranges} ranges; "
            f"{self.inserts} inserts, {self.intersections} intersections"
        )


def trace_source(source: str | bytes) -> tuple[Program, Program, Counts]:
    """The two programs of one module's source (bytes: decoded as its coding declaration says,
    PEP 263); ``SyntaxError`` (or ``ValueError``) if it does not parse."""
    tree = ast.parse(source)
    intervals = intervals_program(tree)
    alists, flow = flow_program(tree)
    records = recorded(intervals)
    counts = Counts(
        files=1,
        expressions=len(records),
        scopes=len({scope for _, scope in records}),
        ranges=len(coalesced(scope_of(records))),
        inserts=flow.inserts,
        intersections=flow.intersections,
    )
    return intervals, alists, counts


def recorded(intervals: Program) -> list[tuple[int, int]]:
    """The ``(index, scope)`` records of an intervals program, in order."""
    return [(op["index"], op["scope"]) for op in intervals.ops if op["op"] == "record"]


def trace_path(path: Path) -> tuple[Program, Program, Counts] | None:
    """``trace_source`` of a file, read as Python reads it; ``None`` if it does not parse."""
    try:
        return trace_source(path.read_bytes())
    except (SyntaxError, ValueError, RecursionError):
        return None


#: How many operations of a traced program start a fuzz seed or a stateful example: enough for
#: real shapes (in-order runs, joins of lists sharing an ancestor), short enough to mutate.
TRACED_OPS = 120


@cache
def traced_starts(structure: str) -> tuple[Program, ...]:
    """The first ``TRACED_OPS`` operations of each program traced from the standard library's
    ``tomllib`` (always there: Python 3.11+); intervals keep their records only."""
    starts: list[Program] = []
    for _, path in sources([standard_library() / "tomllib"]):
        traced = trace_path(path)
        if traced is None:
            continue
        intervals, alists, _ = traced
        if structure == "intervals":
            records = [op for op in intervals.ops if op["op"] == "record"]
            starts.append(Program("intervals", records[:TRACED_OPS]))
        elif alists.ops:
            starts.append(Program("alist", alists.ops[:TRACED_OPS]))
    return tuple(starts)


def trace_file(root: Path, path: Path, out: Path) -> Counts:
    """Write ``path``'s programs under ``out`` (its path below ``root``, ``.intervals.jsonl`` and
    ``.alists.jsonl``); a file that does not parse is counted as skipped."""
    traced = trace_path(path)
    if traced is None:
        return Counts(skipped=1)
    intervals, alists, counts = traced
    stem = out / path.relative_to(root)
    stem.parent.mkdir(parents=True, exist_ok=True)
    intervals.write(stem.with_name(stem.name + ".intervals.jsonl"))
    alists.write(stem.with_name(stem.name + ".alists.jsonl"))
    return counts
