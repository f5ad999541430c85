"""``well_formed``, the kernels' precondition, says exactly what a builder makes: the arena of
every builder passes it, and each way of breaking an arena fails it. CrossHair assumes it for
every kernel contract (docs/proving.md), so a precondition looser or stricter than the arenas
builders make would prove the wrong thing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arenacheck.impl.kernels import kept, well_formed
from arenacheck.impl.pure import EMPTY, ListBuilder  # the kernels are the pure build's

operations = st.lists(
    st.tuples(st.sampled_from(["insert", "replace", "intersect", "union"]), st.integers(-5, 20)),
    max_size=40,
)


@given(operations)
def test_every_arena_a_builder_makes_is_well_formed(ops: list[tuple[str, int]]) -> None:
    b = ListBuilder()
    handles: list[int | None] = [EMPTY]
    for name, n in ops:
        h, other = handles[n % len(handles)], handles[(n * 7) % len(handles)]
        if name == "insert":
            handles.append(b.insert(h, n, n))
        elif name == "replace":
            handles.append(b.entry(h, n).replace(-n))
        elif name == "intersect":
            handles.append(b.intersect_with(h, other, lambda x, y: x + y))
        else:
            handles.append(b.union(h, other))
    assert well_formed(list(b._keys), list(b._next))


def test_a_large_arena_is_well_formed() -> None:
    b = ListBuilder()
    h = EMPTY
    for key in range(1000):
        h = b.insert(h, key)
    b.union(b.insert(h, -1), b.insert(h, 2000))
    assert well_formed(list(b._keys), list(b._next))


def test_a_chain_a_merge_cuts_short_ends_at_end() -> None:
    b = ListBuilder()
    x, y = b.insert(b.insert(EMPTY, 0, 0), 5, 5), b.insert(EMPTY, 5, 6)
    assert b.items(b.intersect_with(x, y, lambda p, q: p + q)) == [(5, 11)]  # a new cell, on END
    assert well_formed(list(b._keys), list(b._next))


@pytest.mark.parametrize(
    ("keys", "nxt"),
    [
        ([], []),
        ([5], [-1]),
        ([3, 5, 7], [-1, 0, 1]),  # one chain 7 -> 5 -> 3
        ([3, 5, 4], [-1, 0, 0]),  # two chains sharing cell 0
    ],
)
def test_arenas_a_builder_can_make_pass(keys: list[int], nxt: list[int]) -> None:
    assert well_formed(keys, nxt)


@pytest.mark.parametrize(
    ("keys", "nxt", "broken"),
    [
        ([3, 5], [-1], "more keys than nexts"),
        ([3], [-1, 0], "more nexts than keys"),
        ([3, 5], [-1, 1], "a cell pointing at itself"),
        ([3, 5], [1, -1], "a cell pointing at a newer cell"),
        ([3, 5], [-1, -2], "a next below END"),
        ([3, 5], [-1, 0.0], "a next that is not an int"),
        ([3, 5], [-1, False], "a next that is a bool"),
        ([3, 3], [-1, 0], "a chain that does not fall: equal keys"),
        ([5, 3], [-1, 0], "a chain that does not fall: a smaller key on top"),
        ([1, 5, 4], [-1, -1, 1], "a chain that does not fall further down the arena"),
        ([5, 3], [1, -1], "a falling chain through a newer cell"),
        ([3, "5"], [-1, -1], "a key that is not an int"),
        ([3, True], [-1, -1], "a key that is a bool"),
    ],
)
def test_every_way_of_breaking_an_arena_fails(
    keys: list[object], nxt: list[object], broken: str
) -> None:
    assert not well_formed(keys, nxt), broken  # type: ignore[arg-type]


def test_a_merge_reuses_a_cell_only_for_what_it_already_holds() -> None:
    """``kept``: the very object, or an equal int, float or string — never an equal value of
    another type (``1`` for ``True``), nor an equal container (its elements' types may differ)."""
    shared = (1,)
    assert kept(shared, shared)
    assert kept(1000, int("1000")) and kept(1.5, float("1.5")) and kept("ab", "".join("ab"))
    assert not kept(1, True) and not kept(True, 1) and not kept(1, 1.0)
    assert not kept((1,), (True,)) and not kept([1], [1]) and not kept(1000, 1001)


def test_a_combined_value_equal_to_the_stored_one_shares_its_cell() -> None:
    b = ListBuilder()
    big = b.entry(EMPTY, 1).or_insert(1000)
    zero = b.entry(EMPTY, 1).or_insert(0)
    before = b.cell_count
    assert b.intersect_with(big, zero, lambda first, second: first + second) == big
    assert b.cell_count == before  # 1000 + 0 is a new int equal to the stored one: no cell
    true = b.entry(EMPTY, 1).or_insert(True)
    before = b.cell_count
    result = b.intersect_with(true, zero, lambda first, second: first + second)
    assert b.items(result) == [(1, 1)] and type(b.items(result)[0][1]) is int
    assert b.cell_count == before + 1  # True + 0 is 1: not what the cell holds
