"""The map keeps range bounds as signed 32-bit ints, as a representation ported from a language
whose ``int`` is 32 bits would: an index of ``2**31`` or more wraps to a negative one, so the
ranges above ``2**31`` sort before the others, read back negative, and lookups there (and, past
them, anywhere) miss. SPEC §3.2's indices are any int in ``[0, 2**32)``."""

from array import array
from typing import Any

from arenacheck.impl import pure as impl
from arenacheck.impl.kernels import find
from arenacheck.impl.pure import EMPTY, ListBuilder

STRUCTURE = "intervals"
LAWS = {"normal form"}
#: The bounds of the smallest witness: a record of the top index, and the build.
EXHAUST = {"max_ops": 2, "keys": 3, "scopes": 1}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


def _signed(value: int) -> int:
    return value - 2**32 if value >= 2**31 else value


class IntervalMap(impl.IntervalMap):
    def get(self, index: Any, default: Any = None) -> Any:
        if type(index) is not int or not 0 <= index < 2**32:
            return super().get(index, default)
        scope = find(self._starts, self._ends, self._scopes, _signed(index))  # as 32-bit code
        return default if scope is None else scope


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def build(self) -> IntervalMap:
        built = super().build()
        starts = array("q", (_signed(s) for s in built._starts))  # the bug: signed 32 bits
        ends = array("q", (_signed(e) for e in built._ends))
        return IntervalMap(starts, ends, built._scopes)
