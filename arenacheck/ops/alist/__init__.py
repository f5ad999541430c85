"""The alist operations (SPEC §2, §4), one module each, registered in the order programs and the
ledger list them."""

from arenacheck.ops import register
from arenacheck.ops.alist import (
    bad_handle,
    build,
    extend,
    get,
    insert,
    insert_with,
    intersect,
    items,
    replace,
    union,
)

for _module in (
    insert,
    replace,
    intersect,
    union,
    items,
    insert_with,
    extend,
    get,
    bad_handle,
    build,
):
    register(_module.OPERATION)
