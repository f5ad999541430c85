"""The pytest plugin: ``pytest --arenacheck-impl MODULE`` (or ``--arenacheck-impl-cmd CMD``)
checks an implementation from any directory, with no test file of the user's.

It collects its own tests: one item per stateful machine (``arenacheck::stateful[alist]``) and
one per program of the shipped regression corpus (``arenacheck::corpus[<name>]``), run under the
chosen Hypothesis profile, reported as ordinary pytest items — ``-k`` selects them, ``--junitxml``
writes them, a failure shows the law, expected and actual, and the program (written under
``arenacheck-failures/`` too). Without the option the plugin does nothing: it is loaded wherever
arenacheck is installed (the ``pytest11`` entry point).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from arenacheck import resources
from arenacheck.drive import run_program
from arenacheck.failure import Failure, report
from arenacheck.implementation import Implementation
from arenacheck.program import read_all
from arenacheck.protocol.client import DEFAULT_TIMEOUT
from arenacheck.report import DEFAULT_OUT
from arenacheck.structures import STRUCTURES, Structure
from arenacheck.targets import ImplSpec


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("arenacheck", "checking an implementation against the SPEC model")
    group.addoption("--arenacheck-impl", metavar="MODULE", help="module or .py file to check")
    group.addoption(
        "--arenacheck-impl-cmd", metavar="CMD", help="a program that speaks the SPEC §4 protocol"
    )
    group.addoption(
        "--arenacheck-structure",
        choices=[*STRUCTURES, "all"],
        default="all",
        help="the structures to check (default: all)",
    )
    group.addoption(
        "--arenacheck-profile",
        choices=["ci", "dev", "nightly"],
        default=None,
        help="Hypothesis settings profile (default: $ARENACHECK_PROFILE, else ci under $CI, "
        "else dev)",
    )
    group.addoption(
        "--arenacheck-ops",
        action="append",
        default=[],
        metavar="MODULE",
        help="a module exporting OPERATIONS of your own, checked with the bundled ones",
    )
    for field in ("keys", "values"):
        group.addoption(
            f"--arenacheck-{field}",
            metavar="MODULE:NAME",
            default=None,
            help=f"a Hypothesis strategy of your own drawing {field} (of the kinds programs "
            "hold: docs/semantics.md, 'Keys and values'), for the stateful machines",
        )
    group.addoption(
        "--arenacheck-timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help="with --arenacheck-impl-cmd: seconds one reply may take "
        f"(default: {DEFAULT_TIMEOUT:g})",
    )


def _spec(config: pytest.Config) -> ImplSpec | None:
    module, command = config.getoption("arenacheck_impl"), config.getoption("arenacheck_impl_cmd")
    if module is None and command is None:
        return None
    if module is not None and command is not None:
        raise pytest.UsageError("--arenacheck-impl and --arenacheck-impl-cmd exclude each other")
    return ImplSpec(module or "", command, config.getoption("arenacheck_timeout"))


def _structures(config: pytest.Config) -> tuple[Structure, ...]:
    chosen = config.getoption("arenacheck_structure")
    return STRUCTURES if chosen == "all" else (chosen,)


def _strategy(config: pytest.Config, field: str) -> Any:
    """The strategy ``--arenacheck-keys``/``--arenacheck-values`` names (``MODULE:NAME``)."""
    named = config.getoption(f"arenacheck_{field}")
    if named is None:
        return None
    module, _, name = named.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as err:
        raise pytest.UsageError(f"--arenacheck-{field} {named}: {err}") from None


class Checked:
    """The implementation under check, loaded once for the session and closed at its end."""

    def __init__(self, spec: ImplSpec, structures: tuple[Structure, ...]) -> None:
        self.spec, self.structures = spec, structures
        self._impl: Implementation | None = None
        self.keys: Any = None  # the user's strategies (--arenacheck-keys, --arenacheck-values)
        self.values: Any = None

    @property
    def impl(self) -> Implementation:
        if self._impl is None:
            self._impl = self.spec.load(self.structures)
        return self._impl

    def close(self) -> None:
        if self._impl is not None:
            self._impl.close()


_CHECKED = pytest.StashKey["Checked"]()


class Group(pytest.Collector):
    """The ``arenacheck`` node the plugin's items hang from (their ids read ``arenacheck::...``):
    a machine per structure, then the corpus."""

    def collect(self) -> list[Any]:
        checked = self.config.stash[_CHECKED]
        made: list[Any] = []
        for structure in checked.structures:
            item = MachineItem.from_parent(self, name=f"stateful[{structure}]")
            item.checked, item.structure = checked, structure
            item.profile_name = self.config.getoption("arenacheck_profile")
            made.append(item)
        for path in resources.corpus():
            program = ProgramItem.from_parent(self, name=f"corpus[{path.stem}]")
            program.checked, program.program = checked, path
            made.append(program)
        return made


class Broken(Exception):
    """A law broken: the failure path's report of it."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.violation.describe())
        self.failure = failure


class ArenacheckItem(pytest.Item):
    """A check of the implementation: a violation is reported with its law and program, as the
    failure path left it (shrunk, written, replayed afresh)."""

    checked: Checked

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        broken = excinfo.value
        if isinstance(broken, Broken):
            flags = self.checked.spec.flags()
            return "\n".join([broken.failure.violation.describe(), *broken.failure.describe(flags)])
        return super().repr_failure(excinfo, style)


class MachineItem(ArenacheckItem):
    """One stateful machine, run as a Hypothesis test under the chosen profile."""

    structure: Structure
    profile_name: str | None

    def runtest(self) -> None:
        from arenacheck.engines.stateful import examples, profile
        from arenacheck.engines.stateful.engine import Where

        where = Where(Path(DEFAULT_OUT), self.checked.spec)
        settings = profile(self.profile_name)
        checked = self.checked
        outcome = examples(
            self.structure, checked.impl, settings, where=where, keys=checked.keys,
            values=checked.values,
        )  # fmt: skip
        if outcome.failure is not None:
            raise Broken(outcome.failure)
        stats = outcome.stats
        if stats.unsupported:  # not a pass: some programs did not run to their end
            forms = ", ".join(f"{form} ({n})" for form, n in sorted(stats.cut.items()))
            pytest.skip(
                f"{stats.unsupported} of {stats.programs} programs cut short as unsupported "
                f"(at {forms}); the rest kept every law"
            )

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"the {self.structure} machine"


class ProgramItem(ArenacheckItem):
    """One program of the regression corpus, replayed against the implementation."""

    program: Path

    def runtest(self) -> None:
        programs = read_all(self.program)  # a program sequence: its programs in order, here
        if any(p.structure not in self.checked.structures for p in programs):
            pytest.skip("a program of a structure --arenacheck-structure leaves out")
        for program in programs:
            verdict = run_program(program, self.checked.impl)
            if not verdict.ok or verdict.unsupported is not None:
                break
        if verdict.violation is not None:
            out, spec = Path(DEFAULT_OUT), self.checked.spec
            impl = self.checked.impl
            raise Broken(report(program, verdict.violation, impl, out, spec, budget=0.0))
        if verdict.unsupported is not None:  # not a pass: the program did not run to its end
            pytest.skip(
                f"cut short at line {verdict.unsupported}: the implementation answered "
                f"{verdict.cut} unsupported (checked up to it)"
            )

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"corpus program {self.program.name}"


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """With ``--arenacheck-impl``, the plugin's items come first, whatever else was collected
    (nothing, in a directory without tests)."""
    spec = _spec(config)
    if spec is None:
        return
    if config.getoption("arenacheck_ops"):
        from argparse import Namespace

        from arenacheck.cli.common import load_ops

        load_ops(Namespace(ops=config.getoption("arenacheck_ops")))
    checked = Checked(spec, _structures(config))
    checked.keys, checked.values = (_strategy(config, field) for field in ("keys", "values"))
    config.stash[_CHECKED] = checked
    config.add_cleanup(checked.close)
    group = Group.from_parent(session, name="arenacheck", nodeid="arenacheck")
    items[:0] = list(session.genitems(group))
