"""Every statement a run prints is backed by what it did: programs an unsupported answer cut short
are counted and named (and gate the run), certificates name everything that changes them, the
ledger books only what the implementation ran, ``check``'s requirements can fail, "reproduces
it" means a fresh process reproduced it, "minimal" means shrinking finished, exhaust enumerates
what it says, and prove says "confirmed" only where CrossHair does."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import arenacheck.impl
from arenacheck import resources
from arenacheck.cli import main
from arenacheck.drive import run_program
from arenacheck.engines import exhaust
from arenacheck.engines.exhaust import CHECK_BOUNDS, Bounds
from arenacheck.engines.prove.run import CONFIRMED, EXHAUSTED, UNREFUTED, Result, Summary
from arenacheck.failure import BUDGET, MINIMAL, report
from arenacheck.implementation import from_file
from arenacheck.ledger import EXEMPT, classes, forms
from arenacheck.program import Program, loads
from arenacheck.protocol.client import External
from arenacheck.strict import NONE
from arenacheck.targets import ImplSpec

ROOT = Path(__file__).resolve().parent.parent
PARTIAL = ROOT / "tests" / "external" / "partial_adapter.py"


def partial(*gaps: str) -> str:
    """An adapter serving the bundled implementation but for ``gaps``, answered unsupported."""
    return " ".join(shlex.quote(a) for a in [sys.executable, str(PARTIAL), *gaps])


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "arenacheck", *args]
    return subprocess.run(argv, capture_output=True, text=True, check=False, cwd=ROOT)


def alist(*ops: dict[str, Any]) -> Program:
    return Program("alist", list(ops))


# --- 1. Unsupported is an outcome of its own ----------------------------------------------------


@pytest.mark.slow
def test_a_certificate_counts_the_programs_cut_short_and_is_not_whole(tmp_path: Path) -> None:
    done = run_cli(
        "exhaust", "--impl-cmd", partial("all"), "--structure", "alist", "--max-ops", "2",
        "--out", str(tmp_path), "--report", str(tmp_path / "r.json"),
    )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr  # not clean: nothing ran
    assert "certificate (whole)" not in done.stdout
    assert "certificate (partial: " in done.stdout and "the 0 canonical programs" in done.stdout
    [certificate] = json.loads((tmp_path / "r.json").read_text())["certificates"]
    assert certificate["total"] == 0 and sum(certificate["unsupported"].values()) > 0


def test_a_program_cut_short_is_counted_by_the_form_answered_unsupported() -> None:
    external = External(partial("insert_with"))
    try:
        verdict = run_program(
            alist(
                {"op": "insert", "src": 0, "key": 1, "value": 2},
                {"op": "insert_with", "src": 1, "key": 5, "value": 3, "fn": "raise"},
            ),
            external,
        )
    finally:
        external.close()
    assert verdict.ok and verdict.unsupported == 3
    assert verdict.stats.cut == {"insert_with:raise:above": 1}
    # 3. The checks made before the implementation ran it count by law, never under its form.
    assert not [form for _, form in verdict.stats.entries if form.startswith("insert_with")]


@pytest.mark.slow
def test_the_c_adapter_and_in_process_agree_but_for_what_the_certificate_states(
    tmp_path: Path,
) -> None:
    adapter = ROOT / "examples" / "c" / "build" / "adapter"
    if shutil.which("make") is None or shutil.which("cc") is None:
        pytest.skip("the C example needs make and a C compiler")
    subprocess.run(["make", "-s", "-C", str(adapter.parent.parent), "build/adapter"], check=True)

    def certificate(*which: str, structure: str, ops: str, keys: str) -> dict[str, Any]:
        report_file = tmp_path / "r.json"
        run_cli(
            "exhaust", *which, "--structure", structure, "--max-ops", ops, "--keys", keys,
            "--out", str(tmp_path), "--report", str(report_file), "--allow-unsupported", "*",
        )  # fmt: skip
        found: dict[str, Any] = json.loads(report_file.read_text())["certificates"][0]
        return found

    # Where the adapter runs every operation: the same programs, the same digest.
    c = certificate("--impl-cmd", str(adapter), structure="intervals", ops="3", keys="3")
    mine = certificate(structure="intervals", ops="3", keys="3")
    assert (c["programs"], c["digest"], c["unsupported"]) == (mine["programs"], mine["digest"], {})
    # Where it does not (a string key on an empty list): the programs that ran and those cut
    # short are the in-process programs exactly.
    c = certificate("--impl-cmd", str(adapter), structure="alist", ops="1", keys="2")
    mine = certificate(structure="alist", ops="1", keys="2")
    assert c["total"] + sum(c["unsupported"].values()) == mine["total"]
    assert int(c["digest"], 16) ^ int(c["cut_digest"], 16) == int(mine["digest"], 16)


# --- 2. Certificates name everything that changes them ------------------------------------------


def test_shards_of_different_runs_do_not_combine(tmp_path: Path) -> None:
    base = ["exhaust", "--structure", "intervals", "--max-ops", "2", "--out", str(tmp_path)]
    assert main([*base, "--strict", "--shard", "0/2", "--report", str(tmp_path / "0.json")]) == 0
    assert main([*base, "--shard", "1/2", "--report", str(tmp_path / "1.json")]) == 0
    combine = ["exhaust", "--combine", str(tmp_path / "0.json"), str(tmp_path / "1.json")]
    done = run_cli(*combine)
    assert done.returncode == 2 and "strict differ" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1  # one line, no traceback


def test_a_rebuilt_command_is_another_implementation(tmp_path: Path) -> None:
    script = tmp_path / "server.py"
    script.write_text("from arenacheck.protocol.server import main\nfrom arenacheck import impl\n"
                      "main(impl)\n")  # fmt: skip
    spec = ImplSpec(command=f"{shlex.quote(sys.executable)} {script}")
    before = exhaust.implementation_of(spec)
    script.write_text(script.read_text() + "# rebuilt\n")
    assert exhaust.implementation_of(spec) != before


def test_a_checkpoint_of_another_run_is_refused(tmp_path: Path) -> None:
    checkpoint = tmp_path / "run.json"
    base = ["exhaust", "--structure", "intervals", "--max-ops", "2", "--out", str(tmp_path)]
    assert main([*base, "--resume", str(checkpoint)]) == 0
    done = run_cli(*base, "--strict", "--resume", str(checkpoint))
    assert done.returncode == 2 and "strict" in done.stderr and "Traceback" not in done.stderr


# --- 4. check's requirements can fail -----------------------------------------------------------


@pytest.mark.slow
def test_check_fails_an_adapter_with_gaps_unless_it_names_them(tmp_path: Path) -> None:
    gaps = partial("insert_with", "combine=add", "combine=sub", "combine=raise")
    base = ["check", "--impl-cmd", gaps, "--structure", "alist", "--budget", "8", "--seed", "1"]
    done = run_cli(*base, "--out", str(tmp_path))
    assert done.returncode == 3, done.stdout + done.stderr
    assert "clean in" not in done.stdout and "cut short as unsupported" in done.stdout
    accepted = "insert_with:*,*:add*,*:sub*,*:raise-*"
    done = run_cli(*base, "--out", str(tmp_path), "--allow-unsupported", accepted)
    assert done.returncode == 0, done.stdout + done.stderr


def test_checks_default_requirements_are_every_form_not_what_the_run_reached() -> None:
    from arenacheck.cli.check import defaults

    expected = [f for s in ("alist", "intervals") for f in [*forms(s), *classes(s)]]
    assert [f for f, _ in defaults(("alist", "intervals"))] == [
        f for f in expected if f not in EXEMPT
    ]
    assert "program.builders:several" in classes("alist")
    assert "record.scope:2^32-1" in classes("intervals")


@pytest.mark.slow
def test_the_plugin_skips_what_an_adapter_cuts_short_and_never_passes_it(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs"]
    argv += ["--arenacheck-impl-cmd", partial("all"), "-k", "corpus", "--arenacheck-profile", "ci"]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert " passed" not in done.stdout, done.stdout
    assert "skipped" in done.stdout and "unsupported" in done.stdout


# --- 5. Reproduction is checked, not assumed ----------------------------------------------------


@pytest.mark.slow
def test_a_violation_that_needs_earlier_programs_is_reported_with_them(tmp_path: Path) -> None:
    bug = resources.gallery() / "bugs" / "interned_across_builders.py"
    done = run_cli(
        "check", "--impl", str(bug), "--structure", "alist", "--budget", "20", "--seed", "0",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "does NOT reproduce it (a fresh process)" in done.stdout
    assert "reproduces it in a fresh process" in done.stdout  # the program sequence does
    [sequence] = tmp_path.glob("*-sequence-*.jsonl")
    assert main(["replay", str(sequence), "--impl", str(bug)]) in (0, 1)  # it reads as one


def test_a_program_that_keeps_every_law_alone_is_not_shrunk_and_says_so(tmp_path: Path) -> None:
    program = alist({"op": "insert", "src": 0, "key": 1, "value": 2})
    violation = run_program(loads(_failing()), from_file(_bug("swapped_combine"))).violation
    assert violation is not None
    failure = report(program, violation, arenacheck.impl, tmp_path, ImplSpec(), NONE, budget=5)
    assert not failure.fails_alone and failure.shrink != MINIMAL and failure.reproduced is False


# --- 6. "minimal" only when shrinking finished --------------------------------------------------


def test_a_program_shrunk_out_of_time_is_not_called_minimal(tmp_path: Path) -> None:
    bug = from_file(_bug("swapped_combine"))
    program = loads(_failing())
    long = Program("alist", [*program.ops[:-1], *program.ops])  # more to shrink than time
    violation = run_program(long, bug).violation
    assert violation is not None
    spec = ImplSpec(str(_bug("swapped_combine")))
    failure = report(long, violation, bug, tmp_path, spec, NONE, budget=1e-9)
    assert failure.shrink == BUDGET
    text = "\n".join(failure.describe(""))
    assert "not shrunk (budget)" in text and "minimal" not in text and "arenacheck shrink" in text
    finished = report(long, violation, bug, tmp_path, spec, NONE, budget=60)
    assert finished.shrink == MINIMAL and finished.reproduced is True


def _bug(name: str) -> Path:
    return resources.gallery() / "bugs" / f"{name}.py"


def _failing() -> str:
    return (resources.root() / "corpus" / "swapped_combine.jsonl").read_text()


# --- 7. Exhaust says exactly what it enumerated -------------------------------------------------


def _unreached_documented() -> set[str]:
    page = (ROOT / "docs" / "exhaustive.md").read_text()
    block = page.split("<!-- unreached -->")[1].split("<!-- /unreached -->")[0]
    return {word for word in re.findall(r"`([^`]+)`", block) if ":" in word}


@pytest.mark.engine
def test_every_form_is_enumerated_or_docs_say_why() -> None:
    """The default mode (alist 2 deep: here; intervals 5 deep: 3 reach every form) and check's
    exhaust phase, against every form of the ledger."""
    spec, reached = ImplSpec(), set()
    for bounds in [Bounds("alist", 2), Bounds("intervals", 3, keys=5), *CHECK_BOUNDS.values()]:
        certificate, found = exhaust.run(spec.load((bounds.structure,)), spec, bounds, NONE)
        assert found is None
        reached |= {form for _, form in certificate.entries()}
    unreached = {f for s in ("alist", "intervals") for f in forms(s) if f not in reached}
    assert unreached == _unreached_documented()


def test_checks_exhaust_phase_holds_every_edge_of_the_domain() -> None:
    alist_domain = CHECK_BOUNDS["alist"].domain()["keys"]
    assert {0, -1, -(2**63), 2**63 - 1} <= set(alist_domain)
    intervals = CHECK_BOUNDS["intervals"].domain()
    assert 2**32 - 1 in intervals["indices"] and 2**32 - 1 in intervals["edge scopes"]
    assert [2**32, 0] in intervals["bad records"]


SYMMETRY_CASES = [
    p
    for p in [*resources.bugs(), *resources.variants()]
    if getattr(from_file(p), "ALONE", True)
    and not getattr(from_file(p), "PROCESS", False)
    and getattr(from_file(p), "EXHAUST", {}) is not None
    and p.stem not in ("bool_handle", "swapped_combine", "union_keeps_second", "recursive_union")
]  # (the four left out take seconds each way: the same verdicts, measured in docs)


@pytest.mark.engine
@pytest.mark.parametrize("path", SYMMETRY_CASES, ids=lambda p: p.stem)
def test_the_symmetries_keep_every_verdict(path: Path) -> None:
    """Relabelling keys and scopes, and commuting interval operations, never change whether a
    gallery bug is found (nor at which depth), nor make a legal variant fail."""
    subject = from_file(path)
    structures = ("alist", "intervals") if subject.STRUCTURE == "both" else (subject.STRUCTURE,)
    declared = getattr(subject, "EXHAUST", {}) or {}
    spec = ImplSpec(str(path))
    for structure in structures:
        shape = declared or ({"max_ops": 2, "keys": 2} if structure == "alist" else {"max_ops": 3})
        verdicts = []
        for on in (True, False):
            bounds = Bounds(structure, **shape, commute=on, relabel=on)
            _, found = exhaust.run(spec.load((structure,)), spec, bounds, NONE)
            verdicts.append(None if found is None else (found.depth, found.violation.law))
        assert verdicts[0] == verdicts[1]


def test_refused_operations_after_a_read_are_enumerated() -> None:
    """Only accepted records, and reads of the map, commute (docs/exhaustive.md): a record or a
    build the finished builder refuses runs after a read as well as before it."""
    from arenacheck.drive import Drive
    from arenacheck.engines.exhaust.alphabet import ordered
    from arenacheck.sessions.intervals import IntervalSession

    bounds = Bounds("intervals", 4, keys=1, scopes=1)
    run = Drive("intervals", arenacheck.impl)
    path = [{"op": "record", "index": 0, "scope": 0}, {"op": "build"}, {"op": "intervals"}]
    for op in path:
        run.step(op)
    session = run.session
    assert isinstance(session, IntervalSession)
    assert ordered(path, {"op": "record", "index": 0, "scope": 0}, session, bounds)
    assert ordered(path, {"op": "build"}, session, bounds)
    assert not ordered(path, {"op": "lookup", "index": 0}, session, bounds)  # reads commute


# --- 8. prove says what it could not model ------------------------------------------------------


def test_prove_says_confirmed_only_where_crosshair_does() -> None:
    results = [
        Result("f", "c", CONFIRMED, 10, detail="reported by CrossHair"),
        Result("g", "d", EXHAUSTED, 12),
        Result("h", "e", UNREFUTED, 100, detail="stopped at the path limit (100 paths)"),
    ]
    line = Summary(results, None).line(5.0)
    assert "1 confirmed over all paths (as CrossHair reports it" in line
    assert "1 diffs with every path exhausted" in line and "1 stopped at the path limit" in line
