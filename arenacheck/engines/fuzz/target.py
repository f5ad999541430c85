"""One fuzz target as its own process: ``python -m arenacheck.engines.fuzz.target STRUCTURE``.

libFuzzer flags pass through (``-runs=N``, ``-max_total_time=S``, corpus directories, ...). The
implementation and the model are instrumented for coverage as they are imported, here, before
anything else imports them; the harness itself and the standard library are not, so coverage
measures the code under test. ``fuzz/*_fuzz.py`` are the same targets as plain scripts.
"""

from __future__ import annotations

import sys

from arenacheck.structures import STRUCTURES


def main(structure: str, argv: list[str]) -> None:
    import atheris  # type: ignore[import-untyped]

    with atheris.instrument_imports(include=["arenacheck.impl", "arenacheck.model"]):
        import arenacheck.impl
        import arenacheck.model  # noqa: F401
    from arenacheck.engines.fuzz.decode import one_input, target_impl, target_strict

    impl, strict = target_impl(), target_strict()
    atheris.Setup(argv, lambda data: one_input(structure, data, impl, strict))  # type: ignore[arg-type]
    atheris.Fuzz()


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in STRUCTURES:
        sys.exit("usage: python -m arenacheck.engines.fuzz.target alist|intervals [FLAGS]")
    main(sys.argv[1], [sys.argv[0], *sys.argv[2:]])
