"""An insert kernel whose ``replace`` by an equal value copies the list instead of returning it:
refuted by ``contracts.put_law`` (identity on no-op, and allocation)."""

from __future__ import annotations

from typing import Any

from arenacheck.impl import kernels

KERNEL = "put"
LAW = "put_law"
CONDITION = "(__return__ is None) =="  # the postcondition that refutes it
_put = kernels.put


def put(
    keys: Any,
    values: Any,
    nxt: Any,
    head: int,
    key: int,
    value: Any,
    make: Any,
    replace: bool,
    equal: Any = kernels.same,
) -> Any:
    return _put(keys, values, nxt, head, key, value, make, replace, lambda a, b: False)  # the bug
