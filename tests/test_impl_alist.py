"""The arena implementation: the allocation contract, sharing, scale and exception safety."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

import arenacheck.impl
from arenacheck import BuilderFinished, InvalidHandle
from arenacheck.drive import run_program
from arenacheck.impl import EMPTY, ListBuilder
from arenacheck.program import Program
from arenacheck.workloads.bench import retained


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


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def retained_bytes_per_entry(fill: Callable[[ListBuilder], object], entries: int) -> float:
    """Memory a builder keeps after ``fill``, per entry: tracemalloc counts no machine noise."""

    def filled() -> ListBuilder:
        b = ListBuilder()
        fill(b)
        return b

    return retained(filled) / entries


def test_an_in_order_key_only_list_costs_under_16_bytes_per_entry() -> None:
    n = 100_000

    def fill(b: ListBuilder) -> None:
        h = EMPTY
        for key in range(n):
            h = b.insert(h, key)  # a set: narrowing constraints carry no value

    assert retained_bytes_per_entry(fill, n) < 16  # an int64 key and an int32 next: 12 bytes


def test_ints_at_the_int64_bounds_keep_the_compact_columns() -> None:
    n = 20_000

    def fill(b: ListBuilder) -> None:
        h = EMPTY
        for key in range(n):  # one cell each: the in-place path
            h = b.insert(h, key, key)
        h = b.insert(h, INT64_MIN, INT64_MAX)  # n + 1 cells at once: the path every merge takes
        h = b.insert(h, INT64_MAX, INT64_MIN)
        assert b.items(h)[0] == (INT64_MIN, INT64_MAX) and b.items(h)[-1] == (INT64_MAX, INT64_MIN)
        assert b.cell_count == 2 * n + 2

    # int64 key and value, int32 next: 20 bytes a cell and the arrays' spare room; a list column
    # of ints would add at least 28 more (a pointer and an int object).
    assert retained_bytes_per_entry(fill, 2 * n) < 32


@pytest.mark.parametrize("big", [INT64_MIN - 1, INT64_MAX + 1, 2**100, -(2**100)])
def test_ints_beyond_the_int64_bounds_are_kept_exactly(big: int) -> None:
    b = ListBuilder()
    small = build(b, [1, 2])
    as_key = b.insert(small, big, 7)
    as_value = b.insert(small, 3, big)
    assert b.items(as_key) == sorted([(1, 1), (2, 2), (big, 7)])
    assert b.items(as_value) == [(1, 1), (2, 2), (3, big)]
    assert b.items(small) == [(1, 1), (2, 2)]


def test_values_may_start_as_none_and_become_anything() -> None:
    b = ListBuilder()
    h = b.insert(EMPTY, 1)  # a None value: no value column yet
    h = b.insert(h, 2)
    with_int = b.insert(h, 3, 30)
    with_str = b.insert(h, 4, "four")
    assert b.items(with_int) == [(1, None), (2, None), (3, 30)]
    assert b.items(with_str) == [(1, None), (2, None), (4, "four")]


def test_a_combined_value_new_to_both_inputs_gets_a_cell() -> None:
    # The newest cell of the arena ends a list, like the merge's tail: a merge must not take
    # "no input cell holds this value" for a cell that does.
    b = ListBuilder()
    x, y = b.insert(EMPTY, 1, 10), b.insert(EMPTY, 1, 20)
    assert b.items(b.union_with(x, y, lambda p, q: p + q)) == [(1, 30)]
    assert b.items(b.intersect_with(x, y, lambda p, q: p * q)) == [(1, 200)]


@pytest.mark.parametrize("keys", [[1], [1, 2, 3]], ids=["handle 0", "handle 2"])
def test_merging_with_the_empty_list_allocates_nothing(keys: list[int]) -> None:
    b = ListBuilder()
    h = build(b, keys)
    cells = b.cell_count
    assert b.union(h, EMPTY) == h and b.union(EMPTY, h) == h
    assert b.union_with(EMPTY, h, min) == h and b.union_with(h, EMPTY, min) == h
    assert b.intersect(h, EMPTY) is EMPTY and b.intersect_with(EMPTY, h, min) is EMPTY
    assert b.cell_count == cells


def test_a_common_tail_is_shared_wherever_it_lies_in_the_arena() -> None:
    b = ListBuilder()
    build(b, list(range(1000)))  # the shared cells lie above 256: ints that CPython does not cache
    base = build(b, list(range(300)))
    left, right = b.insert(base, 400), b.insert(base, 500)
    cells = b.cell_count
    assert b.intersect(left, right) == base and b.cell_count == cells
    assert b.intersect_with(left, right, max) == base and b.cell_count == cells  # cell by cell
    assert b.keys(b.union(left, right)) == [*range(300), 400, 500]


class Counted:
    """A key that counts the comparisons made on it: the work a merge does, without a clock."""

    compared = 0
    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def __lt__(self, other: Counted) -> bool:
        Counted.compared += 1
        return self.n < other.n

    def __eq__(self, other: object) -> bool:
        Counted.compared += 1
        return isinstance(other, Counted) and self.n == other.n

    __hash__ = None  # type: ignore[assignment]


def test_a_merge_stops_where_both_inputs_reach_the_same_cell() -> None:
    b = ListBuilder()
    build(b, list(range(300)))  # the shared cells lie above 256
    base = EMPTY
    for n in range(1000):
        base = b.insert(base, Counted(n))
    left, right = b.insert(base, Counted(2000)), b.insert(base, Counted(3000))
    Counted.compared = 0
    assert b.intersect(left, right) == base
    b.union(left, right)
    assert Counted.compared < 20  # the 1,000 shared keys are never compared


def every_small_list_merged_pairwise(form: dict[str, Any]) -> Program:
    """Small-scope exhaustive: every list over the keys 0..3, built in increasing and in
    decreasing key order (same contents, other cells) and with other values, then ``form`` on
    every ordered pair of them. Random programs reach a given shape of a merge by chance; here
    every shape of two small lists is there."""
    ops: list[dict[str, Any]] = []
    lists = [0]  # variable 0 is EMPTY
    for subset in itertools.chain.from_iterable(
        itertools.combinations(range(4), n) for n in range(1, 5)
    ):
        for keys, offset in ((subset, 0), (subset[::-1], 0), (subset, 10)):
            var = 0
            for key in keys:
                ops.append({"op": "insert", "src": var, "key": key, "value": key + offset})
                var = len(ops)
            lists.append(var)
    for a, b in itertools.product(lists, repeat=2):
        ops.append({**form, "a": a, "b": b})
    return Program("alist", ops)


@pytest.mark.parametrize(
    "form",
    [
        {"op": "intersect"},
        {"op": "union"},
        {"op": "intersect", "combine": "sub"},
        {"op": "union", "combine": "sub"},
        {"op": "union", "combine": "right"},
    ],
    ids=["intersect", "union", "intersect_with", "union_with", "union_with right"],
)
def test_every_merge_of_two_small_lists_keeps_every_law(form: dict[str, Any]) -> None:
    verdict = run_program(every_small_list_merged_pairwise(form), arenacheck.impl)
    assert verdict.ok, verdict.violation and verdict.violation.describe()


class Stubborn:
    """A value that says it differs from everything, itself included."""

    def __eq__(self, other: object) -> bool:
        return False

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


def test_reads_find_keys_without_comparing_values() -> None:
    b = ListBuilder()
    value = Stubborn()
    h = b.insert(EMPTY, 1, value)
    assert b.contains(h, 1) and b.get(h, 1) is value and not b.contains(h, 2)


def test_the_insert_fast_path_decides_as_the_kernel_does() -> None:
    # ``insert`` decides the common case (an int key above the head, or into EMPTY) itself;
    # every other case must come out as the kernel's ``put`` would make it.
    b = ListBuilder()
    h = b.insert(EMPTY, 5)
    assert h == 0 and b.cell_count == 1
    assert b.insert(h, 5) == h and b.cell_count == 1  # present: the input, no cell
    assert b.insert(h, 5, "other") == h and b.cell_count == 1  # insert never replaces
    below = b.insert(h, 3)  # below the head: the kernel copies the head
    assert b.items(below) == [(3, None), (5, None)] and b.cell_count == 3
    above = b.insert(h, 9, "v")  # a value: one cell, the value column made
    assert b.items(above) == [(5, None), (9, "v")] and b.cell_count == 4
    assert b.items(h) == [(5, None)]
    for bad in [b.cell_count, b.cell_count + 5, -1, True]:
        with pytest.raises(InvalidHandle):
            b.insert(bad, 10**6)
    cells = b.cell_count
    b.build()
    for handle in [EMPTY, h]:
        with pytest.raises(BuilderFinished):
            b.insert(handle, 10**6)
    assert b.cell_count == cells


@pytest.mark.parametrize("big", [INT64_MIN - 1, INT64_MAX + 1])
def test_the_insert_fast_path_widens_for_keys_beyond_int64(big: int) -> None:
    b = ListBuilder()  # no value column: the in-place path is open
    h = b.insert(EMPTY, big)
    assert b.items(h) == [(big, None)]
    assert b.items(b.insert(b.insert(EMPTY, 0), big)) == sorted([(0, None), (big, None)])


def test_get_walks_down_to_any_key() -> None:
    b = ListBuilder()
    h = build(b, [2, 4, 6])
    assert [b.get(h, k, "-") for k in range(8)] == ["-", "-", 2, "-", 4, "-", 6, "-"]
    assert [b.contains(h, k) for k in (1, 2, 3)] == [False, True, False]


def test_insert_never_replaces_whatever_the_key() -> None:
    b = ListBuilder()
    h = b.insert(EMPTY, "k", 1)  # a key the fast path leaves to the kernel
    assert b.insert(h, "k", 2) == h and b.items(h) == [("k", 1)]


def test_a_value_equal_to_everything_is_still_kept() -> None:
    class Anything:
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = object.__hash__

    b = ListBuilder()
    value = Anything()
    [(_, kept)] = b.items(b.insert(EMPTY, 1, value))
    assert kept is value


def test_an_int_key_meets_a_list_column_of_other_keys_through_the_kernel() -> None:
    b = ListBuilder()
    h = b.insert(EMPTY, "k")  # the key column is a list now
    with pytest.raises(TypeError):
        b.insert(h, 1)  # an int and a str do not compare (SPEC §2.2)
    assert b.cell_count == 1
    f = b.insert(EMPTY, 1.5)
    assert b.items(b.insert(f, 2)) == [(1.5, None), (2, None)]


def test_a_present_key_is_found_by_value_not_identity() -> None:
    b = ListBuilder()
    h = build(b, [1000, 2000])
    cells = b.cell_count
    for key in (int("1000"), int("2000")):  # equal keys, other objects (above 256)
        assert b.insert(h, key) == h
    assert b.cell_count == cells


def test_or_insert_with_leaves_a_present_key_alone() -> None:
    b = ListBuilder()
    h = build(b, [1, 2])
    calls: list[int] = []
    assert b.entry(h, 1).or_insert_with(lambda: calls.append(1) or 10) == h
    assert calls == [] and b.items(h) == [(1, 1), (2, 2)]
