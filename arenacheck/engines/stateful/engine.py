"""The Hypothesis engine as ``check`` runs it: the machines on each structure, batch after batch,
for a time budget; the first violation goes down the failure path (``arenacheck.failure``) with
the programs the machines ran before it."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import Phase, Verbosity, seed, settings
from hypothesis.errors import Flaky
from hypothesis.stateful import get_state_machine_test

from arenacheck import optional
from arenacheck.engines.base import SHRINK_SECONDS, Declared, Job, Outcome, Rest, shares
from arenacheck.engines.stateful.machines import BudgetSpent, machine_for
from arenacheck.engines.stateful.profiles import PROFILES, profile
from arenacheck.failure import report
from arenacheck.implementation import Implementation, adapt
from arenacheck.program import Program
from arenacheck.report import DEFAULT_OUT
from arenacheck.strict import NONE, Strictness
from arenacheck.structures import Structure
from arenacheck.targets import ImplSpec
from arenacheck.verdicts import Stats, ViolationFound

#: Steps per example under the CrossHair backend (docs/proving.md).
CROSSHAIR_STEPS = 8

#: The Hypothesis backends ``run`` offers: random generation, or CrossHair's solver, which picks
#: each drawn value by symbolic execution (``hypothesis-crosshair``, docs/proving.md).
BACKENDS = ("hypothesis", "crosshair")


def backend_available(name: str) -> bool:
    return name == "hypothesis" or optional.available("hypothesis_crosshair_provider")


@dataclass(frozen=True)
class StatefulSettings:
    """How the machines run: the seed (batches seeded from it: a run repeats), the Hypothesis
    profile (``profiles.PROFILES``; None: ``$ARENACHECK_PROFILE``) and the backend."""

    seed: int | None = None
    profile: str | None = None
    backend: str = "hypothesis"


@dataclass(frozen=True)
class Where:
    """Where a violation's program goes: the output folder, the spec a fresh replay loads (None:
    in this process only), and the seconds to shrink it."""

    out: Path = Path(DEFAULT_OUT)
    spec: ImplSpec | None = None
    shrink: float = SHRINK_SECONDS


def examples(
    structure: Structure,
    impl: object,
    settings_: settings,
    strict: Strictness = NONE,
    where: Where = Where(),
    keys: Any = None,
    values: Any = None,
) -> Outcome:
    """The profile's examples (``max_examples`` of ``settings_``), once, whatever the time: what
    a test suite runs (the pytest plugin). A failure is shrunk as a program, as ``run`` does,
    not by Hypothesis, which takes minutes on a long list. ``keys``, ``values``: a user's own
    strategies (``machine_for``)."""
    return run(
        structure, impl, 0.0, None, settings_, None, settings_.max_examples, strict=strict,
        where=where, keys=keys, values=values,
    )  # fmt: skip


def run(
    structure: Structure,
    impl: object,
    budget: float,
    seed_value: int | None = None,
    profile_settings: settings | None = None,
    stats: Stats | None = None,
    batch: int = 10,
    on_batch: Callable[[Stats, float], object] | None = None,
    backend: str = "hypothesis",
    strict: Strictness = NONE,
    where: Where = Where(),
    keys: Any = None,
    values: Any = None,
) -> Outcome:
    """Run batches of examples until ``budget`` seconds pass or a violation is found.

    Each batch gets its own seed, derived from ``seed_value`` when given, so a run is
    reproducible batch by batch. The first failing example's program goes down the failure path
    (shrunk as a program: far faster than replaying the machine for every candidate).

    With the ``crosshair`` backend the run is one long test instead (CrossHair keeps what it
    learnt about paths for the whole test), ended by the machines' deadline.
    """
    stats = stats if stats is not None else Stats()
    impl = adapt(impl, (structure,))
    started = time.monotonic()
    one_test = backend != "hypothesis"
    deadline = started + budget if one_test else None
    # The programs run before a violation, for a program sequence; not under the solver, whose
    # symbolic values must not outlive the example that drew them.
    history: list[Program] | None = None if one_test else []
    first: list[ViolationFound] | None = None if one_test else []
    machine = machine_for(
        structure, impl, stats, deadline, not one_test, strict, history, first, keys, values
    )
    base = profile_settings or profile()
    number = 0
    while True:
        test_settings = settings(
            base,
            backend=backend,
            max_examples=10**9 if one_test else batch,
            # Short examples under the solver: a long path times out and is thrown away.
            stateful_step_count=min(base.stateful_step_count, CROSSHAIR_STEPS)
            if one_test
            else base.stateful_step_count,
            database=None,
            derandomize=False,  # each batch its own seed (``seed_value``), or a random one
            verbosity=Verbosity.quiet,
            report_multiple_bugs=False,
            phases=[Phase.explicit, Phase.generate],  # shrinking is done on the program
        )
        test = get_state_machine_test(machine, settings=test_settings)
        if seed_value is not None:
            test = seed(seed_value * 1_000_003 + number)(test)
        try:
            test()
        except BudgetSpent:
            return _outcome(structure, stats, started)
        except (ViolationFound, Flaky) as error:
            found = first[0] if first else _violation_in(error)
            if found is None and _spent(error):
                return _outcome(structure, stats, started)  # (as below)
            if found is None or found.program is None:
                raise
            failure = report(
                found.program,
                found.violation,
                impl,
                where.out,
                where.spec,
                strict,
                where.shrink,
                history or [],
            )
            return _outcome(structure, stats, started, failure)
        except Exception as error:
            if _violation_in(error) is not None or not _spent(error):
                raise
            # Hypothesis replayed an example after the deadline and saw it stop at once (the
            # budget, not the machine): the run is over, as with BudgetSpent itself.
            return _outcome(structure, stats, started)
        number += 1
        if on_batch is not None:
            on_batch(stats, time.monotonic() - started)
        if time.monotonic() - started >= budget:
            return _outcome(structure, stats, started)


def _outcome(structure: Structure, stats: Stats, started: float, failure: Any = None) -> Outcome:
    summary = f"{stats.programs} programs, {stats.operations} operations, "
    summary += f"{stats.total_checks} law checks"
    seconds = time.monotonic() - started
    return Outcome("stateful", structure, seconds, stats, summary, failure)


def _spent(error: BaseException | None) -> bool:
    """Whether ``error`` comes of a machine made after the run's deadline."""
    while error is not None:
        if isinstance(error, BudgetSpent):
            return True
        error = error.__cause__ or error.__context__
    return False


def _violation_in(error: BaseException) -> ViolationFound | None:
    if isinstance(error, ViolationFound):
        return error
    for inner in getattr(error, "exceptions", ()):
        found = _violation_in(inner)
        if found is not None:
            return found
    return None


def counts(stats: Stats) -> str:
    """A run's counts so far, for a progress display."""
    return f"{stats.programs} programs · {stats.operations} ops · {stats.total_checks} checks"


class StatefulEngine(Declared):
    """The Hypothesis machines on each structure in turn, each for its share of the job's time;
    the first violation goes down the failure path."""

    name = "stateful"
    schedule = Rest()
    Settings = StatefulSettings

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=None, metavar="N", help="make the run reproducible"
        )
        parser.add_argument(
            "--profile",
            choices=[p for p in PROFILES if p != "mutation"],
            default=None,
            help="Hypothesis settings profile (default: $ARENACHECK_PROFILE, "
            "else ci under $CI, else dev)",
        )
        parser.add_argument(
            "--backend",
            choices=list(BACKENDS),
            default="hypothesis",
            help="how the stateful engine picks values: at random (default) or by CrossHair's "
            "solver (needs arenacheck[prove])",
        )

    def settings(self, args: argparse.Namespace) -> StatefulSettings:
        profile(args.profile)  # ValueError for a bad $ARENACHECK_PROFILE
        if not backend_available(args.backend):
            raise ValueError(
                f"--backend {args.backend} needs hypothesis-crosshair: "
                "pip install 'arenacheck[prove]'"
            )
        return StatefulSettings(args.seed, args.profile, args.backend)

    def for_subject(
        self, subject: ModuleType, structures: tuple[Structure, ...]
    ) -> StatefulSettings:
        return StatefulSettings(seed=0, backend=getattr(subject, "BACKEND", "hypothesis"))

    def run(self, job: Job, impl: Implementation) -> list[Outcome]:
        chosen: StatefulSettings = job.settings_of(self)
        settings_ = profile(chosen.profile)
        where = Where(job.out, job.spec, job.shrink)
        outcomes = []
        for structure, seconds in shares(job.structures, job.seconds).items():
            task = f"stateful · {structure}"
            stats = Stats()

            def shown(
                stats: Stats, elapsed: float, task: str = task, total: float = seconds
            ) -> None:
                job.progress(task, elapsed, total, counts(stats))

            outcome = run(
                structure,
                impl,
                seconds,
                seed_value=chosen.seed,
                profile_settings=settings_,
                stats=stats,
                on_batch=shown,
                backend=chosen.backend,
                strict=job.strict,
                where=where,
            )
            job.progress(task, seconds, seconds, counts(outcome.stats))
            outcomes.append(outcome)
            if outcome.failed:
                break
        return outcomes


ENGINE = StatefulEngine()
