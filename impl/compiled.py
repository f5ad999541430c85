"""The compiled build: the same algorithms as the pure build, as C extension types (``_native.c``).

``pip install`` builds it where a C compiler is present; importing this module raises
``ImportError`` where it is not built, so ``--impl arenacheck.impl.compiled`` never checks the pure
build by mistake. ``ARENACHECK_NATIVE=PATH`` loads the extension from another file instead (a
sanitizer build: ``make test-sanitize``).
"""

from __future__ import annotations

import importlib.util
import os
import sys


def _load_from(path: str) -> None:
    """Put the extension at ``path`` in place of the installed one, before anything imports it."""
    name = "arenacheck.impl._native"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"ARENACHECK_NATIVE={path!r} is not an extension module", path=path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


if os.environ.get("ARENACHECK_NATIVE") and "arenacheck.impl._native" not in sys.modules:
    _load_from(os.environ["ARENACHECK_NATIVE"])

try:
    from arenacheck.impl._native import (
        EMPTY,
        Entry,
        IntervalMap,
        IntervalMapBuilder,
        ListBuilder,
        ListStorage,
    )
except ModuleNotFoundError as err:
    if err.name != "arenacheck.impl._native":
        raise
    raise ImportError(
        "the extension arenacheck.impl._native is not built (pip install builds it where a C "
        "compiler works)",
        name=__name__,
    ) from None

BUILD = "compiled"

__all__ = [
    "BUILD",
    "EMPTY",
    "Entry",
    "IntervalMap",
    "IntervalMapBuilder",
    "ListBuilder",
    "ListStorage",
]
