"""The legal variants: implementations that use a freedom SPEC leaves them. Every engine passes
every one of them — the stateful machines, fuzzing, prove's public-operation contracts, and the
protocol (served, or an adapter of its own) — and ``--strict`` rejects exactly the ones its
decisions are meant to reject, while the bundled implementation passes it."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import ModuleType

import pytest

import arenacheck.impl
from arenacheck import resources, strict
from arenacheck.cli import main
from arenacheck.drive import run_program
from arenacheck.engines import stateful
from arenacheck.engines.base import Job
from arenacheck.engines.fuzz.jobs import fuzz
from arenacheck.engines.fuzz.settings import FuzzSettings
from arenacheck.engines.prove import run as prove
from arenacheck.engines.selftest import command, is_process, structures_of, variants
from arenacheck.implementation import from_file
from arenacheck.program import Structure, read
from arenacheck.protocol.client import External
from arenacheck.targets import ImplSpec

VARIANTS = {path.stem: (path, from_file(path)) for path in variants()}
IN_PROCESS = sorted(name for name, (_, module) in VARIANTS.items() if not is_process(module))
CASES = [
    (name, structure)
    for name, (_, module) in sorted(VARIANTS.items())
    for structure in structures_of(module)
]
IN_PROCESS_CASES = [(name, s) for name, s in CASES if name in IN_PROCESS]
STRICT = resources.gallery() / "variants" / "strict"
CORPUS = resources.root() / "corpus"
BUDGET = 1.0  # seconds of each engine on each variant and structure: at least one batch runs


def ids(cases: list[tuple[str, Structure]]) -> list[str]:
    return [f"{name}-{structure}" for name, structure in cases]


def subject(name: str) -> tuple[Path, ModuleType]:
    return VARIANTS[name]


def test_every_freedom_has_a_variant_and_its_docs() -> None:
    used = {module.FREEDOM for _, module in VARIANTS.values()}
    assert used == set(strict.FREEDOMS)
    semantics = (Path(__file__).parent.parent / "docs" / "semantics.md").read_text()
    for name, (_, module) in VARIANTS.items():
        assert f"`{name}`" in semantics, name
        assert set(module.REJECTED_BY) <= set(strict.DECISIONS), name


@pytest.mark.engine
@pytest.mark.parametrize(("name", "structure"), IN_PROCESS_CASES, ids=ids(IN_PROCESS_CASES))
def test_the_stateful_engine_passes_the_variant(name: str, structure: Structure) -> None:
    _, module = subject(name)
    outcome = stateful.run(structure, module, BUDGET, seed_value=0)
    assert outcome.failure is None, outcome.failure and outcome.failure.violation.describe()
    assert outcome.stats.programs > 0 and outcome.stats.total_checks > 0


@pytest.mark.engine
@pytest.mark.parametrize(("name", "structure"), CASES, ids=ids(CASES))
def test_the_protocol_passes_the_variant(name: str, structure: Structure) -> None:
    """Served by ``arenacheck serve``, or an adapter of its own: the stateful engine through the
    protocol."""
    path, module = subject(name)
    external = External(command(path, module))
    try:
        outcome = stateful.run(structure, external, BUDGET, seed_value=0)
    finally:
        external.close()
    assert outcome.failure is None, outcome.failure and outcome.failure.violation.describe()
    assert outcome.stats.programs > 0


@pytest.mark.slow
@pytest.mark.parametrize(("name", "structure"), CASES, ids=ids(CASES))
def test_fuzzing_passes_the_variant(name: str, structure: Structure) -> None:
    pytest.importorskip("atheris")
    path, module = subject(name)
    spec = ImplSpec(command=command(path, module)) if is_process(module) else ImplSpec(str(path))
    with tempfile.TemporaryDirectory() as scratch:
        # An adapter without ``extend`` answers a long run one insert at a time, every reply
        # holding the whole list (SPEC §4): seconds per seed that has one, so it starts empty.
        job = Job(spec, out=Path(scratch))
        settings = FuzzSettings(seeds=not is_process(module))
        impl = spec.load((structure,))
        try:
            outcome, found = fuzz(structure, BUDGET, job, settings, impl)
        finally:
            impl.close()
        assert not outcome.failed and found is None, found and found.program.dumps()
    assert outcome.stats.programs > 0


@pytest.mark.slow
def test_the_public_contracts_hold_on_every_variant() -> None:
    """prove's public-operation contracts, 30 paths each, in one process of their own."""
    pytest.importorskip("crosshair")
    subjects = [(str(subject(n)[0]), structures_of(subject(n)[1])) for n in IN_PROCESS]
    found = prove.isolated(prove.prove_each, subjects, 20.0, 30)
    assert isinstance(found, list) and len(found) == len(IN_PROCESS), found
    for name, results in zip(IN_PROCESS, found, strict=True):
        assert results, name
        for result in results:
            assert not result.failed, (name, result.function, result.verdict, result.detail)
            assert result.paths > 0, (name, result.function)


@pytest.mark.engine
def test_the_adapter_replays_the_corpus_with_unnamed_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, module = subject("freedoms_adapter")
    assert main(["replay", str(CORPUS), "--impl-cmd", command(path, module), "-q"]) == 0
    assert "without a known kind: their kind not checked" in capsys.readouterr().out


def test_the_program_of_the_issue_passes_a_variant_that_names_0_and_2() -> None:
    program = read(STRICT / "conflict_first_recorded.jsonl")
    path, module = subject("conflict_first_recorded")
    verdict = run_program(program, module)
    assert verdict.ok, verdict.violation and verdict.violation.describe()
    builder = module.IntervalMapBuilder()
    for op in program.ops[:-1]:
        builder.record(op["index"], op["scope"])
    with pytest.raises(ValueError, match="0 and 2"):
        builder.build()
    assert main(["replay", str(STRICT / "conflict_first_recorded.jsonl"), "--impl", str(path)]) == 0


STRICT_CASES = sorted(name for name, (_, module) in VARIANTS.items() if module.REJECTED_BY)


@pytest.mark.parametrize("name", STRICT_CASES)
def test_strict_rejects_the_variant_and_the_default_accepts_it(name: str) -> None:
    path, module = subject(name)
    witness = str(STRICT / f"{name}.jsonl")
    which = ["--impl-cmd", command(path, module)] if is_process(module) else ["--impl", str(path)]
    assert main(["replay", witness, *which]) == 0
    assert main(["replay", witness, *which, "--strict"]) == 1
    decisions = ",".join(sorted(module.REJECTED_BY))
    assert main(["replay", witness, *which, "--strict-only", decisions]) == 1
    others = ",".join(sorted(set(strict.DECISIONS) - set(module.REJECTED_BY)))
    assert main(["replay", witness, *which, "--strict-only", others]) == 0
    assert run_program(read(witness), arenacheck.impl, strict.ALL).ok  # the bundled choice


def test_an_unknown_strict_decision_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    witness = str(STRICT / "hash_consing.jsonl")
    assert main(["replay", witness, "--strict-only", "fewer-cells"]) == 2
    assert "unknown strict decision 'fewer-cells'" in capsys.readouterr().err
