"""The interval-map implementation: compact ranges, bad input, the finished builder."""

from __future__ import annotations

import random
from collections.abc import Callable
from enum import IntEnum

import pytest

from arenacheck import BuilderFinished, ConflictingRecord
from arenacheck.impl import IntervalMap, IntervalMapBuilder
from arenacheck.model import IntervalMapBuilder as ModelBuilder
from arenacheck.workloads.bench import retained


def test_ranges_coalesce_across_gaps() -> None:
    ib = IntervalMapBuilder()
    for index, scope in [(3, 0), (1, 0), (7, 0), (8, 1), (8, 1), (20, 0)]:
        ib.record(index, scope)
    m = ib.build()
    assert m.intervals() == [(1, 7, 0), (8, 8, 1), (20, 20, 0)]
    assert (m.get(5), m.get(9), m.get(21), m.get(-1), m.get(True)) == (0, None, None, None, None)
    assert m[8] == 1 and 9 not in m
    with pytest.raises(KeyError):
        m[9]


TOP = 2**32 - 1


class Index(int):
    """An int subclass: ``record`` takes its checked slow path for it."""


class Kind(IntEnum):
    """IntEnum members, as a semantic-index builder might number its scopes."""

    ZERO = 0
    TOP = 2**32 - 1


#: How a valid index or scope can be passed: an exact int (``record``'s fast path), an int
#: subclass and an IntEnum member (its slow path, ``_u32``).
FORMS: dict[str, Callable[[int], int]] = {"int": int, "subclass": Index, "IntEnum": Kind}


@pytest.mark.parametrize("bad", [-1, 2**32, 2**40, True, "1", 1.0, None])
@pytest.mark.parametrize("valid", [0, Index(0), Kind.TOP], ids=["0", "Index(0)", "Kind.TOP"])
def test_bad_records_raise_and_record_nothing(bad: object, valid: int) -> None:
    ib = IntervalMapBuilder()
    with pytest.raises((TypeError, ValueError)):
        ib.record(bad, valid)  # type: ignore[arg-type]
    with pytest.raises((TypeError, ValueError)):
        ib.record(valid, bad)  # type: ignore[arg-type]
    assert ib.build().intervals() == []


@pytest.mark.parametrize("scope", [0, TOP], ids=["scope=0", "scope=top"])
@pytest.mark.parametrize("index", [0, TOP], ids=["index=0", "index=top"])
@pytest.mark.parametrize("scope_form", FORMS, ids=lambda form: f"scope:{form}")
@pytest.mark.parametrize("index_form", FORMS, ids=lambda form: f"index:{form}")
def test_the_edges_of_the_domain_are_recorded_whatever_int_class_holds_them(
    index_form: str, scope_form: str, index: int, scope: int
) -> None:
    # Each pair takes one path of `record`: the fast path for two exact ints, else the slow path,
    # whose domain check (`_u32`) must keep both of its ends, 0 and 2**32 - 1.
    ib, model = IntervalMapBuilder(), ModelBuilder()
    for builder in (ib, model):
        builder.record(FORMS[index_form](index), FORMS[scope_form](scope))
    m = ib.build()
    assert m.intervals() == model.build().intervals() == [(index, index, scope)]
    assert all(type(n) is int for n in m.intervals()[0])
    assert m.get(FORMS[index_form](index)) == scope and m.get(index ^ 1) is None
    with pytest.raises(BuilderFinished):  # and the finished builder's path refuses them
        ib.record(FORMS[index_form](index), FORMS[scope_form](scope))


def test_the_whole_domain_is_recordable() -> None:
    top = 2**32 - 1
    ib = IntervalMapBuilder()
    ib.record(top, top)
    ib.record(2**31, top)
    ib.record(0, 0)
    m = ib.build()
    assert m.intervals() == [(0, 0, 0), (2**31, top, top)]
    assert (m.get(top), m.get(2**31 + 5), m.get(2**32)) == (top, top, None)
    assert (m.get(0), m.get(1)) == (0, None)


def test_conflict_leaves_the_builder_open() -> None:
    ib = IntervalMapBuilder()
    ib.record(5, 1)
    ib.record(5, 2)
    with pytest.raises(ConflictingRecord) as raised:
        ib.build()
    assert raised.value.index == 5 and raised.value.scopes == (1, 2)
    with pytest.raises(ConflictingRecord):
        ib.build()


def test_large_indices_and_scopes_repeat_and_clash_by_value() -> None:
    # Above 256 every int is its own object: records must be compared by value.
    big = 10**6
    ib = IntervalMapBuilder()
    for index, scope in [(big, big), (big, big), (big + 1, big)]:
        ib.record(index, scope)
    assert ib.build().intervals() == [(big, big + 1, big)]
    ib = IntervalMapBuilder()
    ib.record(big, big)
    ib.record(big, big + 1)
    with pytest.raises(ConflictingRecord) as raised:
        ib.build()
    assert raised.value.index == big and raised.value.scopes == (big, big + 1)


def test_finished_builder_refuses() -> None:
    ib = IntervalMapBuilder()
    ib.build()
    with pytest.raises(BuilderFinished):
        ib.record(1, 1)
    with pytest.raises(BuilderFinished):
        ib.build()


def test_agrees_with_the_model_on_mostly_sorted_input() -> None:
    rng = random.Random(7)
    impl, model = IntervalMapBuilder(), ModelBuilder()
    index = 0
    for _ in range(5000):
        index = max(0, index + rng.choice([1, 1, 2, 3, -4]))  # mostly sorted, sometimes back
        impl.record(index, index // 37)
        model.record(index, index // 37)
    m, expected = impl.build(), model.build()
    assert m.intervals() == expected.intervals()
    assert all(m.get(i) == expected.get(i) for i in range(-2, index + 3))


def built(records: list[tuple[int, int]]) -> tuple[IntervalMapBuilder, IntervalMap]:
    ib = IntervalMapBuilder()
    for index, scope in records:
        ib.record(index, scope)
    return ib, ib.build()


def test_the_map_holds_memory_per_range_not_per_record() -> None:
    n = 100_000
    few = [(i, i // 25_000) for i in range(n)]  # 4 ranges
    many = [(i, i % 2) for i in range(n)]  # n ranges
    # the finished builder is kept too: it must not hold on to its records
    assert retained(lambda: built(few)) < 2_000
    assert retained(lambda: built(many)) / n < 13  # 3 x 4 bytes a range, and spare room


def test_int_subclasses_are_recorded_and_looked_up_as_their_int_value() -> None:
    class Index(int):
        pass

    ib = IntervalMapBuilder()
    ib.record(Index(4), Index(2))
    ib.record(6, 2)
    m = ib.build()
    assert m.intervals() == [(4, 6, 2)]
    assert all(type(n) is int for n in m.intervals()[0])
    assert (m.get(Index(5)), m.get(Index(7), "none")) == (2, "none")
