"""The CrossHair engine: PEP 316 contracts and behaviour diffs checked by symbolic execution.

``prove()`` runs conditions one at a time with a per-condition timeout (and a path limit) and
returns one ``Result`` per condition: a counterexample, no counterexample within the timeout
(with the number of paths explored), or confirmed over all paths. The conditions are every
postcondition of the target modules (by default the kernels' structural contracts and
``contracts``) and every diff of ``contracts.DIFFS`` (``tasks``), and the public-operation
contracts and diffs of ``public``, bound to the implementation under proof (``public_tasks``). A
condition that explored no path, or a run that checked none, is a failure, never a pass
(docs/proving.md).
"""

from __future__ import annotations

import ast
import collections
import dataclasses
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from arenacheck import resources
from arenacheck.engines.prove import contracts, public
from arenacheck.impl import provable
from arenacheck.implementation import Implementation, import_module, load
from arenacheck.program import Program

#: The modules whose contracts ``prove`` checks unless told otherwise.
DEFAULT_TARGETS = ("arenacheck.impl.kernels", "arenacheck.engines.prove.contracts")
#: The canary, shipped with the gallery: a kernel broken on purpose, refuted on every run.
CANARY = resources.kernel("canary_find")
#: The canary's own timeout: it stops at its counterexample (about two seconds here), so a short
#: ``--per-condition-timeout`` does not make it escape.
CANARY_TIMEOUT = 20.0

COUNTEREXAMPLE = "counterexample"
#: Only where CrossHair itself reports the condition confirmed: every path explored to its end,
#: none unknown (still within what CrossHair models: docs/proving.md).
CONFIRMED = "confirmed over all paths"
#: A diff with no difference and both functions' paths exhausted (CrossHair: "likely the same";
#: it reports no confirmation for a diff).
EXHAUSTED = "no difference, all paths exhausted"
UNREFUTED = "no counterexample"
VACUOUS = "explored nothing"
ERROR = "could not run"
SKIPPED = "not run (budget spent)"
#: No limit on paths: each condition runs for its timeout.
UNLIMITED = 2**31
#: Verdicts that fail a run.
FAILING = (COUNTEREXAMPLE, VACUOUS, ERROR)


@dataclass
class Result:
    """One condition's verdict."""

    function: str
    condition: str
    verdict: str
    paths: int = 0
    seconds: float = 0.0
    detail: str = ""
    program: Program | None = None

    @property
    def failed(self) -> bool:
        return self.verdict in FAILING


@dataclass
class Task:
    """A condition to check, before it runs: a label and the call that checks it."""

    function: str
    condition: str
    run: Callable[[float, int], Result]


def load_target(name: str) -> ModuleType:
    """A module by dotted name or ``.py`` path (like ``--impl``)."""
    return import_module(name)


def _short(module: ModuleType) -> str:
    """A module's name for reports: the file's stem for one loaded from a path."""
    if module.__name__.startswith("arenacheck_impl_") and module.__file__:
        return Path(module.__file__).stem
    return module.__name__.rsplit(".", 1)[-1]


def tasks(targets: list[ModuleType], diffs: bool = True) -> list[Task]:
    """Every postcondition of the targets' functions, then the diffs."""
    from crosshair.core_and_libs import analyze_module
    from crosshair.options import AnalysisOptionSet

    found: list[Task] = []
    for module in targets:
        for checkable in analyze_module(module, AnalysisOptionSet(report_all=True)):
            found.append(_contract_task(checkable, _short(module)))
    if diffs:
        for impl_side, model_side, what in contracts.DIFFS:
            found.append(_diff_task(impl_side, model_side, what))
    return found


def _contract_task(checkable: Any, module: str) -> Task:
    function = checkable.ctxfn.name if hasattr(checkable, "ctxfn") else "?"
    conditions = getattr(checkable, "conditions", None)
    source = conditions.post[0].expr_source if conditions else "(syntax)"
    name = f"{module}.{function}"
    return Task(name, source, _contract_runner(checkable, name, source))


def _diff_task(impl_side: Callable[..., Any], model_side: Callable[..., Any], what: str) -> Task:
    name = f"diff {impl_side.__name__} ~ {model_side.__name__}"
    return Task(name, what, _diff_runner(impl_side, model_side, name, what))


def public_tasks(impl: Implementation, structures: tuple[str, ...]) -> list[Task]:
    """The conditions on ``impl``'s public operations for ``structures``: the templates of
    ``public``, each bound to ``impl``."""
    from crosshair.core_and_libs import analyze_function
    from crosshair.fnutil import FunctionInfo
    from crosshair.options import AnalysisOptionSet

    found: list[Task] = []
    for structure in structures:
        for template in public.CONTRACTS[structure]:  # type: ignore[index]
            function = FunctionInfo.from_fn(public.bind(template, impl))
            for checkable in analyze_function(function, AnalysisOptionSet(report_all=True)):
                found.append(_contract_task(checkable, "public"))
        for impl_side, model_side, what in public.DIFFS[structure]:  # type: ignore[index]
            found.append(_diff_task(public.bind(impl_side, impl), model_side, what))
    return found


def prove_public(
    module: str, structures: tuple[str, ...], timeout: float, max_paths: int
) -> list[Result]:
    """The public-operation contracts of ``module`` (an implementation) for ``structures``,
    each for ``timeout`` seconds or ``max_paths`` paths. Runs in a process of its own under
    ``isolated``."""
    found = public_tasks(load(provable(module)), structures)
    return list(prove(found, timeout, timeout * len(found) + 1, max_paths=max_paths))


def prove_each(
    subjects: list[tuple[str, tuple[str, ...]]], timeout: float, max_paths: int
) -> list[list[Result]]:
    """``prove_public`` on each (module, structures) in turn: many implementations in one
    process (under ``isolated``), which pays CrossHair's start once."""
    return [prove_public(module, structures, timeout, max_paths) for module, structures in subjects]


def isolated(call: Callable[..., Any], *args: Any) -> Any:
    """``call(*args)`` in a fresh process: CrossHair's solver keeps native state, and it has
    crashed (a segfault inside Z3) in long processes; a crash costs that process, and the call is
    made once more in a new one before it is reported as an error, not the caller's crash."""
    from concurrent.futures.process import BrokenProcessPool

    for _ in range(2):
        with _pool() as pool:
            try:
                return pool.submit(call, *args).result()
            except BrokenProcessPool:
                continue
    return [Result("prove", "(the whole phase)", ERROR, detail="the prover process crashed twice")]


def _pool() -> Any:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    return ProcessPoolExecutor(1, mp_context=get_context("spawn"))


@dataclass(frozen=True)
class Plan:
    """Which conditions a run checks, as data a prover process can turn into tasks again: the
    target modules (with the kernel diffs, unless targets were named), and the implementation
    whose public operations to prove (None: none)."""

    targets: tuple[str, ...]
    impl: str | None = None
    diffs: bool = True
    only: str | None = None

    def tasks(self) -> list[Task]:
        found = tasks([load_target(t) for t in self.targets], diffs=self.diffs)
        if self.impl is not None:
            found += public_tasks(load(provable(self.impl)), ("alist", "intervals"))
        return [t for t in found if self.only is None or self.only in t.function]


_TASKS: dict[Plan, list[Task]] = {}  # in a prover process: each plan's tasks, made once


def check_one(plan: Plan, index: int, timeout: float, max_paths: int) -> Result:
    """The ``index``-th condition of ``plan``, in a prover process."""
    task = _TASKS.setdefault(plan, plan.tasks())[index]
    try:
        return task.run(timeout, max_paths)
    except Exception as err:  # CrossHair itself failed on this condition
        return Result(task.function, task.condition, ERROR, detail=f"{type(err).__name__}: {err}")


def prove_apart(
    plan: Plan,
    timeout: float,
    budget: float,
    on_result: Callable[[Task, Result], object] = lambda task, result: None,
    max_paths: int = UNLIMITED,
) -> Iterator[Result]:
    """``prove`` on the plan's tasks, each condition checked in a prover process of its own
    (one process serves them in turn): a condition whose process crashes is checked once more in
    a new one, and reported as an error if it crashes again."""
    from concurrent.futures.process import BrokenProcessPool

    started = time.monotonic()
    pool = None
    try:
        for index, task in enumerate(plan.tasks()):
            if time.monotonic() - started + min(timeout, 1.0) > budget:
                result = Result(task.function, task.condition, SKIPPED)
            else:
                detail = "the prover process crashed twice"
                result = Result(task.function, task.condition, ERROR, detail=detail)
                for _ in range(2):
                    pool = pool or _pool()
                    try:
                        result = pool.submit(check_one, plan, index, timeout, max_paths).result()
                        break
                    except BrokenProcessPool:
                        pool = None
            on_result(task, result)
            yield result
    finally:
        if pool is not None:
            pool.shutdown()


def _contract_runner(checkable: Any, name: str, source: str) -> Callable[[float, int], Result]:
    def run(timeout: float, max_paths: int) -> Result:
        from crosshair.statespace import MessageType

        stats: collections.Counter[str] = collections.Counter()
        options = dataclasses.replace(
            checkable.options, per_condition_timeout=timeout, max_iterations=max_paths, stats=stats
        )
        started = time.monotonic()
        messages = list(dataclasses.replace(checkable, options=options).analyze())
        seconds = time.monotonic() - started
        paths = stats["num_paths"]
        states = {m.state for m in messages}
        refuting = {MessageType.POST_FAIL, MessageType.POST_ERR, MessageType.EXEC_ERR}
        failures = [m for m in messages if m.state in refuting]
        if failures:
            text = failures[0].message
            return Result(name, source, COUNTEREXAMPLE, paths, seconds, text, _program(text))
        if states & {MessageType.SYNTAX_ERR, MessageType.IMPORT_ERR}:
            return Result(name, source, ERROR, paths, seconds, messages[0].message)
        if MessageType.PRE_UNSAT in states:
            return Result(name, source, VACUOUS, paths, seconds, "no input meets the precondition")
        if MessageType.CONFIRMED in states:
            return Result(name, source, CONFIRMED, paths, seconds, "reported by CrossHair")
        if paths == 0:
            return Result(name, source, VACUOUS, paths, seconds, "no path explored in time")
        return Result(name, source, UNREFUTED, paths, seconds, _stopped(paths, max_paths))

    return run


def _diff_runner(
    impl_side: Callable[..., Any], model_side: Callable[..., Any], name: str, what: str
) -> Callable[[float, int], Result]:
    def run(timeout: float, max_paths: int) -> Result:
        from crosshair.diff_behavior import ExceptionEquivalenceType, diff_behavior
        from crosshair.fnutil import FunctionInfo
        from crosshair.options import DEFAULT_OPTIONS, AnalysisOptionSet

        stats: collections.Counter[str] = collections.Counter()
        options = DEFAULT_OPTIONS.overlay(
            AnalysisOptionSet(
                per_condition_timeout=timeout,
                per_path_timeout=timeout / 4,
                max_iterations=max_paths,
            )
        )
        options.stats = stats
        started = time.monotonic()
        diffs = diff_behavior(
            FunctionInfo.from_fn(impl_side),
            FunctionInfo.from_fn(model_side),
            options,
            ExceptionEquivalenceType.SAME_TYPE,
            on_nondeterminism=lambda: None,
        )
        seconds, paths = time.monotonic() - started, stats["num_paths"]
        if isinstance(diffs, str):
            return Result(name, what, ERROR, paths, seconds, diffs)
        if diffs:
            diff = diffs[0]
            call = ", ".join(f"{k}={v}" for k, v in diff.args.items())
            text = (
                f"given ({call}): {impl_side.__name__} gives {diff.result1.describe(set())}, "
                f"{model_side.__name__} gives {diff.result2.describe(set())}"
            )
            args = [(_arguments(v) or [None])[0] for v in diff.args.values()]
            program = _as_program(impl_side.__name__, args)
            return Result(name, what, COUNTEREXAMPLE, paths, seconds, text, program)
        if paths == 0:
            return Result(name, what, VACUOUS, paths, seconds, "no path explored in time")
        if stats["exhaustion"] >= 2:  # both functions' path trees exhausted
            return Result(name, what, EXHAUSTED, paths, seconds, "CrossHair: likely the same")
        return Result(name, what, UNREFUTED, paths, seconds, _stopped(paths, max_paths))

    return run


def _stopped(paths: int, max_paths: int) -> str:
    """Why a condition stopped short of every path: its path limit, or its timeout."""
    if paths >= max_paths:
        return f"stopped at the path limit ({max_paths} paths)"
    return "stopped at the timeout, paths left unexplored"


# --- Counterexamples as programs ----------------------------------------------------------------

#: How CrossHair words a contract counterexample: the call, then what it returned or raised.
_CALL = re.compile(r"when calling (\w+)\((.*?)\) \(which (?:returns|raises)", re.S)
_LAST_CALL = re.compile(r"when calling (\w+)\((.*)\)\s*$", re.S)


def _program(message: str) -> Program | None:
    """The program a contract counterexample stands for, when its function runs one."""
    match = _CALL.search(message) or _LAST_CALL.search(message)
    if match is None:
        return None
    arguments = _arguments(match[2])
    return None if arguments is None else _as_program(match[1], arguments)


def _arguments(text: str) -> list[Any] | None:
    """The values of a call's arguments as CrossHair prints them (``v1:=`` names included)."""
    try:
        call = ast.parse(f"f({text})", mode="eval").body
    except SyntaxError:
        return None
    assert isinstance(call, ast.Call)
    names: dict[str, Any] = {}

    def value(node: ast.expr) -> Any:
        if isinstance(node, ast.NamedExpr):
            names[node.target.id] = value(node.value)
            return names[node.target.id]
        if isinstance(node, ast.Name):
            return names[node.id]
        if isinstance(node, ast.List):
            return [value(e) for e in node.elts]
        if isinstance(node, ast.Tuple):
            return tuple(value(e) for e in node.elts)
        return ast.literal_eval(node)

    try:
        return [value(a) for a in call.args] + [value(k.value) for k in call.keywords]
    except (ValueError, KeyError, SyntaxError):
        return None


def _as_program(function: str, args: list[Any]) -> Program | None:
    try:
        if function in ("alist_program", "impl_program"):
            return Program("alist", contracts.alist_ops(args[0]))
        if function == "intervals_program":
            return Program("intervals", contracts.intervals_ops(args[0], args[1]))
        if function == "map_lookup":
            return Program("intervals", contracts.intervals_ops(args[0], [args[1]]))
    except (TypeError, IndexError, ValueError):
        return None
    return None


# --- A run --------------------------------------------------------------------------------------


def prove(
    all_tasks: list[Task],
    timeout: float,
    budget: float,
    on_result: Callable[[Task, Result], object] = lambda task, result: None,
    max_paths: int = UNLIMITED,
) -> Iterator[Result]:
    """Check each task for ``timeout`` seconds or ``max_paths`` paths, whichever ends first,
    while ``budget`` lasts; the rest are skipped. A path count makes a short run mean the same
    on a slow or busy machine, where a few seconds may not get a single path past a
    precondition."""
    started = time.monotonic()
    for task in all_tasks:
        if time.monotonic() - started + min(timeout, 1.0) > budget:
            result = Result(task.function, task.condition, SKIPPED)
        else:
            try:
                result = task.run(timeout, max_paths)
            except Exception as err:  # CrossHair itself failed on this condition
                result = Result(
                    task.function, task.condition, ERROR, detail=f"{type(err).__name__}: {err}"
                )
        on_result(task, result)
        yield result


# --- Reports ------------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a run checked, for the last line and the exit status."""

    results: list[Result]
    canary: Result | None

    @property
    def checked(self) -> list[Result]:
        return [r for r in self.results if r.verdict != SKIPPED]

    @property
    def paths(self) -> int:
        return sum(r.paths for r in self.results)

    @property
    def failed(self) -> bool:
        """A counterexample, a condition that explored nothing or could not run, no condition
        checked at all, or a canary that escaped: never a clean run."""
        escaped = self.canary is not None and self.canary.verdict != COUNTEREXAMPLE
        return escaped or not self.checked or any(r.failed for r in self.results)

    def line(self, timeout: float) -> str:
        counts = collections.Counter(r.verdict for r in self.results)
        unrefuted = [r for r in self.results if r.verdict == UNREFUTED]
        at_limit = sum(1 for r in unrefuted if r.detail.startswith("stopped at the path limit"))
        parts = [
            f"{counts[COUNTEREXAMPLE]} counterexamples",
            f"{counts[CONFIRMED]} {CONFIRMED} (as CrossHair reports it, over what it models)",
            f"{counts[EXHAUSTED]} diffs with every path exhausted",
            f"{counts[UNREFUTED]} without a counterexample within {timeout:.3g} s "
            f"({at_limit} stopped at the path limit, {len(unrefuted) - at_limit} at the timeout)",
        ]
        parts += [f"{counts[v]} {v}" for v in (VACUOUS, ERROR, SKIPPED) if counts[v]]
        return f"{len(self.checked)} conditions checked, {self.paths} paths explored: " + ", ".join(
            parts
        )


def table(results: list[Result]) -> str:
    """One row per condition: what, verdict, paths and time."""
    rows = [("condition", "verdict", "paths", "seconds")]
    for r in results:
        condition = r.condition if len(r.condition) <= 60 else r.condition[:57] + "..."
        rows.append((f"{r.function}: {condition}", r.verdict, str(r.paths), f"{r.seconds:.1f}"))
    width = max(len(row[0]) for row in rows)
    return "\n".join(f"  {a:<{width}}  {b:<26} {c:>6} {d:>8}" for a, b, c, d in rows)
