"""Objects that are not ints though their class claims to be one: ``type(x) == int`` holds for
them, ``type(x) is int`` does not (a metaclass can redefine ``==`` between classes, not ``is``).

The implementation's fast paths test ``type(x) is int``; these tests hold each of those tests to
``is`` (mutation testing found that nothing else did, docs/mutation.md): such a key or value is
kept as itself, such a handle is no handle, such an index or scope is no int.
"""

from __future__ import annotations

from typing import Any

import pytest

from arenacheck import InvalidHandle
from arenacheck.impl import EMPTY, IntervalMapBuilder, ListBuilder
from arenacheck.impl.kernels import well_formed
from arenacheck.model import ListBuilder as ModelListBuilder


class ClaimsInt(type):
    """A metaclass whose classes compare equal to ``int``."""

    def __eq__(cls, other: object) -> bool:
        return other is int or type.__eq__(cls, other) is True

    __hash__ = type.__hash__


def value_of(x: object) -> Any:
    return x.value if isinstance(x, Impostor) else x


class Impostor(metaclass=ClaimsInt):
    """Ordered, hashed and usable as an index by its int value, with the shifts and ors of a
    packed record: an int in all but its type, which says it is int."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        return self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __eq__(self, other: object) -> bool:
        return bool(self.value == value_of(other))

    def __lt__(self, other: object) -> bool:
        return bool(self.value < value_of(other))

    def __le__(self, other: object) -> bool:
        return bool(self.value <= value_of(other))

    def __gt__(self, other: object) -> bool:
        return bool(self.value > value_of(other))

    def __ge__(self, other: object) -> bool:
        return bool(self.value >= value_of(other))

    def __lshift__(self, other: object) -> Any:
        return self.value << value_of(other)

    def __or__(self, other: object) -> Any:
        return self.value | value_of(other)

    __ror__ = __or__

    def __repr__(self) -> str:
        return f"Impostor({self.value})"


def test_the_impostor_is_what_the_fast_paths_could_mistake_for_an_int() -> None:
    x = Impostor(5)
    assert type(x) == int and type(x) is not int and int == type(x)  # noqa: E721
    assert not isinstance(x, int) and x == 5 and 4 < x <= 5 and [0, 1, 2, 3, 4, 5, 6][x] == 5


def test_an_impostor_key_is_kept_as_itself() -> None:
    # EMPTY first (insert's fast path, then `grown`), then above an int key (`_cell`'s in-place
    # append), then above an impostor (the kernel): the key column must become a list each time.
    for keys in ([Impostor(5)], [1, Impostor(5)], [Impostor(1), Impostor(5)]):
        b, model = ListBuilder(), ModelListBuilder()
        h, expected = EMPTY, EMPTY
        for key in keys:
            h, expected = b.insert(h, key), model.insert(expected, key)
        assert b.items(h) == model.items(expected)
        # `is`: the impostor's class says it is `==` to int
        assert all(type(got) is type(key) for got, key in zip(b.keys(h), keys, strict=True))


@pytest.mark.parametrize("before", [[], [(1, None)], [(1, 7)]], ids=["empty", "none", "int"])
def test_an_impostor_value_is_kept_as_itself(before: list[tuple[int, Any]]) -> None:
    # A value column of None (`grown` from None), of ints (`_cell`'s in-place append): either way
    # the impostor must make it a list.
    b = ListBuilder()
    h = EMPTY
    for key, value in before:
        h = b.insert(h, key, value)
    h = b.insert(h, 2, Impostor(9))
    assert type(b.get(h, 2)) is Impostor and b.get(h, 2) == 9
    assert b.items(h) == [*before, (2, 9)]


def test_an_impostor_is_no_handle() -> None:
    b = ListBuilder()
    h = b.insert(EMPTY, 1)
    assert h == 0
    handle: Any = Impostor(h)
    with pytest.raises(InvalidHandle):
        b.items(handle)  # `_head`
    with pytest.raises(InvalidHandle):
        b.insert(handle, 5)  # insert's fast path, for a key above the list's
    with pytest.raises(InvalidHandle):
        b.insert(handle, 5, "v")
    assert b.cell_count == 1


@pytest.mark.parametrize(
    "index, scope", [(Impostor(1), 1), (1, Impostor(1)), (Impostor(1), Impostor(1))]
)
def test_an_impostor_is_no_index_and_no_scope(index: Any, scope: Any) -> None:
    ib = IntervalMapBuilder()
    with pytest.raises(TypeError):
        ib.record(index, scope)
    assert ib.build().intervals() == []


def test_a_lookup_of_an_impostor_answers_the_default() -> None:
    ib = IntervalMapBuilder()
    ib.record(5, 7)
    m = ib.build()
    assert (m.get(Impostor(5)), m.get(Impostor(5), "none"), Impostor(5) in m) == (
        None,
        "none",
        False,
    )


@pytest.mark.parametrize("keys, nxt", [([Impostor(1)], [-1]), ([1], [Impostor(-1)])])
def test_an_arena_of_impostors_is_not_well_formed(keys: list[Any], nxt: list[Any]) -> None:
    assert well_formed([1], [-1]) and not well_formed(keys, nxt)
