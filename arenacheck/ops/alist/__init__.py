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
from arenacheck.ops.alist.lists import TWO_LISTS
from arenacheck.ops.opening import opening

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
# Another builder: lists of its own, one with a key the first builder's lists hold.
register(opening("alist", TWO_LISTS, TWO_LISTS[:2]))
