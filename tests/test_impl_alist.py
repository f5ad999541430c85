"""The arena implementation: the allocation contract, sharing, scale and exception safety."""

from __future__ import annotations

import pytest

from arenacheck import BuilderFinished, InvalidHandle
from arenacheck.impl import EMPTY, ListBuilder


def build(b: ListBuilder, keys: list[int], h: int | None = EMPTY) -> int | None:
    for key in keys:
        h = b.insert(h, key, key)
    return h


def test_in_order_insert_costs_one_cell_each() -> None:
    b = ListBuilder()
    build(b, list(range(100)))
    assert b.cell_count == 100


def test_decreasing_order_is_quadratic_by_design() -> None:
    b = ListBuilder()
    build(b, list(range(99, -1, -1)))
    assert b.cell_count == 100 * 101 // 2


def test_insert_copies_only_the_cells_above_the_key() -> None:
    b = ListBuilder()
    h = build(b, [1, 2, 3, 4, 5])
    before = b.cell_count
    b.insert(h, 0, 0)
    assert b.cell_count - before == 1 + 5
    before = b.cell_count
    b.entry(h, 3).replace(33)
    assert b.cell_count - before == 1 + 2


def test_merges_of_a_common_ancestor_share_its_cells() -> None:
    b = ListBuilder()
    base = build(b, list(range(50)))
    left, right = b.insert(base, 60, 0), b.insert(base, 70, 0)
    before = b.cell_count
    assert b.intersect(left, right) == base  # the common tail, whole: no cell
    assert b.cell_count == before
    union = b.union(left, right)
    assert b.keys(union) == [*range(50), 60, 70]
    assert b.cell_count - before == 1  # 70 on top of `left`, which already is 60 on `base`


def test_with_forms_share_the_tail_when_values_are_unchanged() -> None:
    b = ListBuilder()
    base = build(b, list(range(20)))
    left = b.insert(base, 30, 1)
    before = b.cell_count
    assert b.intersect_with(left, base, max) == base
    assert b.cell_count == before
    doubled = b.intersect_with(left, base, lambda x, y: x + y)
    assert b.items(doubled) == [(k, 2 * k) for k in range(20)]
    assert b.cell_count - before == 19  # key 0 keeps 0 + 0 == 0: its cell is shared


def test_a_million_in_order_keys() -> None:
    b = ListBuilder()
    first = build(b, list(range(1_000_000)))
    assert b.cell_count == 1_000_000
    second = build(b, list(range(0, 2_000_000, 2)))
    assert b.length(b.intersect(first, second)) == 500_000
    assert b.length(b.union(first, second)) == 1_500_000


def test_any_key_type_works() -> None:
    b = ListBuilder()
    h = build(b, [])
    for key in ["b", "a", "c"]:
        h = b.insert(h, key, [key])
    big = b.insert(EMPTY, 2**70, None)
    assert b.keys(h) == ["a", "b", "c"] and b.items(big) == [(2**70, None)]
    with pytest.raises(TypeError):
        b.insert(h, 1)
    assert b.keys(h) == ["a", "b", "c"]


def test_raising_combine_changes_nothing() -> None:
    b = ListBuilder()
    x, y = build(b, [1, 2, 3]), build(b, [2, 3, 4])
    cells = b.cell_count

    def boom(a: int, c: int) -> int:
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        b.union_with(x, y, boom)
    assert b.cell_count == cells
    assert b.items(b.union_with(x, y, lambda a, c: a)) == [(1, 1), (2, 2), (3, 3), (4, 4)]


def test_bad_handles_and_finished_builder() -> None:
    b = ListBuilder()
    h = build(b, [1])
    for bad in [-1, 1, True, False, "0", 0.0]:
        with pytest.raises(InvalidHandle, match=repr(bad).replace(".", r"\.")):
            b.insert(bad, 2)  # type: ignore[arg-type]
    storage = b.build()
    with pytest.raises(BuilderFinished):
        b.union(h, h)
    assert storage.items(h) == [(1, 1)] and storage.cell_count == 1
