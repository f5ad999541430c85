"""``build`` keeps scopes in 16 bits, as a representation that assumes no file has more than
65,536 scopes would: the scope column is masked to its low 16 bits, so a scope of ``2**16`` or
more reads back as another (``65536`` as ``0``), and ranges of two scopes equal in 16 bits read
as one scope. Only a scope beyond 16 bits shows it: SPEC §3.2's scopes are any int in
``[0, 2**32)``."""

from array import array

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"contents"}
#: The bounds of the smallest witness: a record of the top scope, and the build.
EXHAUST = {"max_ops": 2, "keys": 1, "scopes": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> impl.IntervalMap:
        built = super().build()
        narrow = array("I", (scope & 0xFFFF for scope in built._scopes))  # the bug: 16 bits
        return impl.IntervalMap(built._starts, built._ends, narrow)
