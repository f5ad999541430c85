"""The reference models read as SPEC: each test is one law on a small example."""

from __future__ import annotations

import pytest

from arenacheck import BuilderFinished, ConflictingRecord, InvalidHandle, ReentrantCall
from arenacheck.model import EMPTY, IntervalMapBuilder, ListBuilder
from arenacheck.model.alist import insert_cells, union_cells


def test_insert_keeps_keys_sorted_and_unique() -> None:
    b = ListBuilder()
    h = EMPTY
    for key in [5, 1, 3, 1]:
        h = b.insert(h, key, key * 10)
    assert b.items(h) == [(1, 10), (3, 30), (5, 50)]
    assert b.items_reverse(h) == [(5, 50), (3, 30), (1, 10)]


def test_no_op_returns_the_input_handle() -> None:
    b = ListBuilder()
    h = b.insert(EMPTY, 1, 300)
    assert b.entry(h, 1).or_insert(7) == h
    assert b.entry(h, 1).replace(int("300")) == h
    assert b.union(h, EMPTY) == h and b.union(EMPTY, h) == h
    assert b.intersect(h, EMPTY) is EMPTY and b.intersect(EMPTY, h) is EMPTY


def test_allocation_law_is_stated_as_a_function() -> None:
    entries = ((1, None), (2, None), (3, None))
    assert insert_cells(entries, 4) == 1
    assert insert_cells(entries, 0) == 4
    assert insert_cells(entries, 2) == 2  # replacing 2 copies 3
    first, second = ((1, 0), (5, 0)), ((3, 0), (4, 0))
    result = ((1, 0), (3, 0), (4, 0), (5, 0))
    assert union_cells(first, second, result) == 3  # key 1 < max(min) = 3 is shared


def test_combine_gets_first_then_second() -> None:
    b = ListBuilder()
    x = b.insert(b.insert(EMPTY, 1, 10), 2, 20)
    y = b.insert(b.insert(EMPTY, 2, 2), 3, 3)
    assert b.items(b.intersect_with(x, y, lambda a, c: a - c)) == [(2, 18)]
    assert b.items(b.union_with(x, y, lambda a, c: a - c)) == [(1, 10), (2, 18), (3, 3)]


def test_bad_handles_raise_invalid_handle() -> None:
    b = ListBuilder()
    for bad in [0, -1, True, "x", 1.5]:
        with pytest.raises(InvalidHandle, match="invalid list handle"):
            b.items(bad)  # type: ignore[arg-type]


def test_finished_builder_reads_but_refuses_mutation() -> None:
    b = ListBuilder()
    h = b.insert(EMPTY, 1)
    storage = b.build()
    assert storage.items(h) == b.items(h) == [(1, None)]
    with pytest.raises(BuilderFinished):
        b.insert(h, 2)
    with pytest.raises(BuilderFinished):
        b.build()


def test_callbacks_may_not_call_back_in() -> None:
    b = ListBuilder()
    h = b.insert(EMPTY, 1, 1)
    inner: list[BaseException] = []

    def combine(a: int, c: int) -> int:
        try:
            b.insert(EMPTY, 9)
        except RuntimeError as err:
            inner.append(err)
        return a

    assert b.items(b.union_with(h, b.insert(EMPTY, 1, 2), combine)) == [(1, 1)]
    assert isinstance(inner[0], ReentrantCall)


def test_lookup_law_between_records() -> None:
    ib = IntervalMapBuilder()
    for index, scope in [(10, 1), (12, 1), (14, 2), (20, 2), (30, 3)]:
        ib.record(index, scope)
    m = ib.build()
    assert m.intervals() == [(10, 12, 1), (14, 20, 2), (30, 30, 3)]
    assert [m.get(i) for i in (11, 13, 17, 25, 31, 9)] == [1, None, 2, None, None, None]
    assert len(m) == 3 and 11 in m and 13 not in m


def test_conflicting_record_names_index_and_scopes() -> None:
    ib = IntervalMapBuilder()
    ib.record(4, 1)
    ib.record(4, 2)
    with pytest.raises(ConflictingRecord, match="index 4") as raised:
        ib.build()
    assert raised.value.scopes == (1, 2)
    ib.record(5, 1)  # the builder stayed open
