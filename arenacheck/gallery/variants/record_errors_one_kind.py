"""Every bad record raises ``ValueError``, a non-int (a bool, a string, ``None``) included: SPEC
§3.2 says a bad record raises ``TypeError`` or ``ValueError``, and leaves which to the
implementation."""

from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY, ListBuilder
from arenacheck.model.intervals import in_domain

STRUCTURE = "intervals"
FREEDOM = "TypeError or ValueError for a bad record"
REJECTED_BY = {"record-error-kind"}
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def _record(self, index: object, scope: object) -> None:
        for name, value in (("index", index), ("scope", scope)):
            if not in_domain(value):
                raise ValueError(f"{name} must be an int in [0, 2**32), not {value!r}")
        super()._record(index, scope)
