"""Every error says more, in its own words: the messages of ``InvalidHandle``,
``BuilderFinished``, ``ConflictingRecord`` and a bad record's ``TypeError``/``ValueError`` differ
from the bundled ones but still name what SPEC says they name (the handle; the index and two of
its scopes). SPEC leaves messages beyond that to the implementation."""

from typing import Any

from arenacheck.errors import BuilderFinished, ConflictingRecord, InvalidHandle
from arenacheck.impl import pure as impl
from arenacheck.impl.pure import EMPTY

STRUCTURE = "both"
FREEDOM = "error messages beyond naming the offending value"
REJECTED_BY: set[str] = set()
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]


def _reworded(err: Exception) -> Exception:
    """The same error kind with a message of this implementation's own."""
    if isinstance(err, InvalidHandle):
        new: Exception = InvalidHandle(err.handle)
        Exception.__init__(new, f"no list in this arena answers to the handle {err.handle!r}")
    elif isinstance(err, BuilderFinished):
        new = BuilderFinished()
        Exception.__init__(new, "this builder was built already; it only reads now")
    elif isinstance(err, ConflictingRecord):
        new = ConflictingRecord(err.index, *err.scopes)
        second, first = err.scopes
        Exception.__init__(new, f"node #{err.index} sits in scope {first} and in scope {second}")
    elif type(err) in (TypeError, ValueError):
        new = type(err)(f"this record cannot be kept ({err})")
    else:
        return err
    return new


def _say(call: Any) -> Any:
    try:
        return call()
    except (InvalidHandle, BuilderFinished, ConflictingRecord, TypeError, ValueError) as err:
        raise _reworded(err) from None


class ListStorage(impl.ListStorage):
    def _head(self, h: object) -> int:
        return int(_say(lambda: super(ListStorage, self)._head(h)))


class ListBuilder(impl.ListBuilder):
    def _head(self, h: object) -> int:
        return int(_say(lambda: super(ListBuilder, self)._head(h)))

    def _mutating(self) -> None:
        _say(super()._mutating)

    def insert(self, h: Any, key: Any, value: Any = None) -> Any:
        return super()._put(h, key, value, None, replace=False)  # no fast path: one way in

    def build(self) -> Any:
        self._mutating()
        self._finished = True
        return ListStorage(self._keys, self._values, self._next)


class IntervalMapBuilder(impl.IntervalMapBuilder):
    def record(self, index: int, scope: int) -> None:
        _say(lambda: super(IntervalMapBuilder, self).record(index, scope))

    def build(self) -> Any:
        return _say(super().build)
