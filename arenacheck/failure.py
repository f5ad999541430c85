"""The one failure path: what every engine does with a program that broke a law.

``report`` takes the failing program (and, when the engine ran others before it in the same
process, those programs), and does each of these, saying exactly which happened:

1. runs it alone; if it breaks the law alone, shrinks it within the time it is given — the
   report says *minimal* only when the shrinker finished, else *not shrunk (budget)*;
2. writes it (SPEC §4) under the output folder, and reads the file back;
3. replays the file in a fresh interpreter (a new process: state a module keeps survives a new
   builder, not a new process) — *reproduces it* is said only when that replay broke the same
   law;
4. if the program does not break the law alone, writes the programs that ran before it with it
   as a *program sequence* (docs/programs.md) and replays that in a fresh interpreter.

It lives above the core and the protocol (a fresh replay loads the implementation again, a module
or a command: ``targets.ImplSpec``) and below the engines and the command line, which all call it.
``python -m arenacheck.failure FILE`` is the fresh interpreter's side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arenacheck.drive import run_program
from arenacheck.errors import ProgramError
from arenacheck.program import Program, read_all
from arenacheck.report import write_failure, write_sequence
from arenacheck.shrink import DoesNotFail, shrink
from arenacheck.strict import NONE, Strictness, parse
from arenacheck.targets import ImplSpec
from arenacheck.verdicts import Violation

STRICT_ENV = "ARENACHECK_STRICT"
#: How long a fresh replay may take before it counts as not reproducing.
REPLAY_TIMEOUT = 300.0
#: At most this many earlier programs go into a sequence (the most recent ones).
SEQUENCE_LIMIT = 200

MINIMAL = "minimal"
BUDGET = "not shrunk (budget)"
NOT_SHRUNK = "not shrunk"
ALONE_NOT = "not shrunk (does not fail alone)"


@dataclass
class Failure:
    """What the failure path did with one failing program."""

    violation: Violation  # as the engine found it, or as the written program breaks it
    program: Program  # the program written
    shrink: str = NOT_SHRUNK  # MINIMAL, BUDGET, NOT_SHRUNK or ALONE_NOT
    path: Path | None = None
    read_back: bool = False  # the file read back is the program written
    fails_alone: bool = True  # in this process, the program alone broke the law
    reproduced: bool | None = None  # the fresh replay broke the same law (None: not replayed)
    replay: str = ""  # how it was replayed ("a fresh process", or why not)
    sequence: Path | None = None  # the program sequence, when the program does not fail alone
    sequence_reproduced: bool | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def law(self) -> str:
        return self.violation.law

    def describe(self, flags: str) -> list[str]:
        """The lines a command prints for it: the program, how shrunk, where written, and the
        replay command with what the replay showed."""
        size = f"{len(self.program.ops)} operations"
        if self.reproduced is False:
            size += "; it breaks the law only after the programs this process ran before it"
        lines = [f"\n{self.shrink} program ({size}):", self.program.dumps().rstrip("\n")]
        lines += [f"  {note}" for note in self.notes]
        if self.path is not None:
            lines.append(f"  program: {self.path}")
            lines.append(f"  arenacheck replay {self.path} {flags}{self._verdict()}")
            if self.shrink == BUDGET:
                lines.append(f"  arenacheck shrink {self.path} {flags}  # finishes shrinking")
        if self.sequence is not None:
            said = {True: "reproduces it", False: "does NOT reproduce it", None: "not replayed"}
            lines.append(f"  program sequence (the programs run before it): {self.sequence}")
            lines.append(
                f"  arenacheck replay {self.sequence} {flags}"
                f"  # {said[self.sequence_reproduced]} in a fresh process"
            )
        return lines

    def _verdict(self) -> str:
        if self.reproduced is None:
            return f"  # not replayed: {self.replay}" if self.replay else ""
        if self.reproduced:
            return f"  # reproduces it ({self.replay})"
        return f"  # does NOT reproduce it ({self.replay})"


def report(
    program: Program,
    violation: Violation,
    impl: object,
    out: Path,
    spec: ImplSpec | None = None,
    strict: Strictness = NONE,
    budget: float = 30.0,
    before: Sequence[Program] = (),
) -> Failure:
    """The failure path for ``program``, which broke ``violation.law`` on ``impl`` (described by
    ``spec`` for a fresh replay; without one, the file is replayed in this process only and the
    report says so). ``budget``: seconds for shrinking (0: do not shrink)."""
    failure, out = Failure(violation, program), Path(out)
    try:
        if budget <= 0:
            raise TimeoutError
        shrunk = shrink(program, impl, budget=budget, strict=strict)
        assert shrunk.verdict.violation is not None
        failure.program, failure.violation = shrunk.program, shrunk.verdict.violation
        failure.shrink = MINIMAL if shrunk.finished else BUDGET
    except TimeoutError:
        failure.shrink = NOT_SHRUNK
    except DoesNotFail:
        failure.fails_alone, failure.shrink = False, ALONE_NOT
        failure.notes.append("the program keeps every law when run alone in this process")
    failure.path = write_failure(failure.program, failure.law, out)
    failure.read_back = _reads_back(failure.path, [failure.program])
    if not failure.read_back:
        failure.notes.append("the file written does not read back as the program")
    failure.reproduced, failure.replay = replay(failure.path, failure.law, impl, spec, strict)
    if not failure.reproduced and before:
        sequence = [*before[-SEQUENCE_LIMIT:], program]
        failure.sequence = write_sequence(sequence, violation.law, out)
        if _reads_back(failure.sequence, sequence):
            reproduced, _ = replay(failure.sequence, violation.law, impl, spec, strict)
            failure.sequence_reproduced = reproduced
    return failure


def _reads_back(path: Path, programs: Sequence[Program]) -> bool:
    try:
        again = read_all(path)
    except ProgramError:
        return False
    return [p.dumps() for p in again] == [p.dumps() for p in programs]  # (NaN is NaN there)


def replay(
    path: Path, law: str, impl: object, spec: ImplSpec | None, strict: Strictness = NONE
) -> tuple[bool | None, str]:
    """Whether replaying ``path`` breaks ``law``, and how it was replayed: in a fresh process
    when ``spec`` names the implementation, else in this one (which proves less: state this
    process keeps is not reset)."""
    if spec is None:
        verdicts = [run_program(p, impl, strict) for p in read_all(path)]
        broken = [v.violation.law for v in verdicts if v.violation is not None]
        return law in broken, "in this process only: no spec to load it afresh"
    try:
        laws = fresh_laws(path, spec, strict)
    except ReplayFailed as failed:
        return False, f"a fresh process, which {failed}"
    return law in laws, "a fresh process"


class ReplayFailed(Exception):
    """A fresh replay that gave no verdict (it crashed, or did not finish)."""


def fresh_laws(path: Path, spec: ImplSpec, strict: Strictness = NONE) -> list[str]:
    """The laws the programs of ``path`` break, replayed in order in a fresh interpreter on the
    implementation ``spec`` names; ``ReplayFailed`` if it gives no verdict."""
    environ = {**os.environ, **spec.env(), STRICT_ENV: ",".join(sorted(strict))}
    argv = [sys.executable, "-m", "arenacheck.failure", str(path)]
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, env=environ, timeout=REPLAY_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise ReplayFailed(f"did not finish in {REPLAY_TIMEOUT:g} s") from None
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        tail = " | ".join(done.stderr.strip().splitlines()[-2:])
        raise ReplayFailed(f"exited with status {done.returncode}: {tail}") from None
    laws: list[str] = answer["laws"]
    return laws


def fresh_replay(path: str) -> dict[str, Any]:
    """The fresh process's side: every program of ``path`` in order, in this one process, on the
    implementation ``$ARENACHECK_IMPL``/``$ARENACHECK_IMPL_CMD`` names."""
    spec = ImplSpec.from_env()
    strict = parse((os.environ.get(STRICT_ENV) or "").split(","))
    programs = read_all(path)
    impl = spec.load(tuple(dict.fromkeys(p.structure for p in programs)))
    try:
        verdicts = [run_program(p, impl, strict) for p in programs]
    finally:
        impl.close()
    return {"laws": [v.violation.law for v in verdicts if v.violation is not None]}


if __name__ == "__main__":
    print(json.dumps(fresh_replay(sys.argv[1])))
