"""The interval-map session: the records so far and, once built, the map on both sides; the
checks the interval operations share (SPEC §3.1 and §3.2) — a lookup read every way, a fresh
map in normal form, probed everywhere and rebuilt from the records reversed.

The operations themselves (``arenacheck.ops.intervals``) say which of these each one makes.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from arenacheck import laws
from arenacheck import strict as strictness
from arenacheck.callbacks import attempt
from arenacheck.errors import ConflictingRecord, ProgramError, error_kind
from arenacheck.model import intervals as model_intervals
from arenacheck.sessions.base import Session, numbers
from arenacheck.strict import NONE, Strictness
from arenacheck.structures import MISSING, Op, Structure

#: Lookups every fresh map answers beyond its records' neighbourhoods: the domain's edges, the
#: first values past them, and values no map accepts.
PROBES: tuple[Any, ...] = (0, 2**32 - 1, -1, 2**32, True, False, "7", 1.5, None)


def lookup_form(index: object, scopes: dict[int, int], indices: list[int]) -> str:
    """Where a lookup of ``index`` falls, given the recorded index -> scope and the recorded
    indices in order (the ledger's lookup forms)."""
    from bisect import bisect_left

    if not model_intervals.in_domain(index):
        return "lookup:bad"
    assert isinstance(index, int)
    if index in scopes:
        return "lookup:at"
    if index in (0, 2**32 - 1):
        return "lookup:edge"
    at = bisect_left(indices, index)
    if at == 0 or at == len(indices):
        return "lookup:outside"
    same = scopes[indices[at - 1]] == scopes[indices[at]]
    return f"lookup:between-{'same' if same else 'different'}"


class IntervalSession(Session):
    """Checks SPEC §3.1 and §3.2 on one interval-map builder against the model's."""

    structure: Structure = "intervals"
    END_FORM = "map:end"

    def __init__(
        self,
        impl: object,
        strict: Strictness = NONE,
        ops: list[Op] | None = None,
        beside: Any = None,
    ) -> None:
        super().__init__(impl, strict, ops, beside)
        self.model_builder = model_intervals.IntervalMapBuilder()
        self.impl_builder = self.new_builder()
        self.model_map: model_intervals.IntervalMap | None = None
        self.impl_map: Any = None
        self.records: list[tuple[int, int]] = []
        self.scopes: dict[int, int] = {}  # each recorded index's first scope
        self._indices: list[int] | None = []  # the recorded indices in order, made when asked

    def builder(self) -> Any:
        return self.impl_builder

    # What the model holds (for the ledger's forms and for generators: read only).

    @property
    def built(self) -> bool:
        return self.model_map is not None

    def indices(self) -> list[int]:
        """The recorded indices, in order."""
        if self._indices is None:
            self._indices = sorted(self.scopes)
        return self._indices

    def immutable(self) -> list[Any]:
        return list(self.records)

    # Shared checks.

    def accept(self, index: int, scope: int) -> None:
        """The model accepted a record: keep it."""
        self.records.append((index, scope))
        self.scopes.setdefault(index, scope)
        self._indices = None

    def other_kind(self, errors: list[Exception | None]) -> list[Exception]:
        """A bad record raises ``TypeError`` or ``ValueError`` (SPEC §3.2): where the model chose
        one, the other is allowed too (unless strict: ``record-error-kind``)."""
        if strictness.RECORD_ERROR_KIND in self.strict:
            return []
        swapped = {"TypeError": ValueError, "ValueError": TypeError}
        return [
            swapped[name](str(err))
            for err in errors
            if err is not None and (name := error_kind(err)) in swapped
        ]

    def names(self, expected: Exception, message: str) -> bool:
        """A ``ConflictingRecord`` names a conflicting index and two of its distinct scopes
        (SPEC §3.2: which ones is the implementation's choice, unless strict:
        ``conflict-choice``, the model's)."""
        if not isinstance(expected, ConflictingRecord):
            return super().names(expected, message)
        said = numbers(message)
        if strictness.CONFLICT_CHOICE in self.strict:
            named = [(expected.index, *expected.scopes)]
        else:
            named = self._conflicts()
        return any(not (Counter(triple) - said) for triple in named)

    def _conflicts(self) -> list[tuple[int, int, int]]:
        """Every (index, scope, other scope) a ``ConflictingRecord`` may name here."""
        scopes: dict[int, set[int]] = {}
        for index, scope in self.records:
            scopes.setdefault(index, set()).add(scope)
        return [
            (index, first, second)
            for index, found in scopes.items()
            for first, second in itertools.combinations(sorted(found), 2)
        ]

    def maps(self) -> tuple[model_intervals.IntervalMap, Any]:
        if self.model_map is None:
            raise ProgramError(self.line, f"{self.op['op']} before a successful build")
        return self.model_map, self.impl_map

    def check_intervals(self) -> None:
        """The map's ranges and size are the model's."""
        model_map, impl_map = self.maps()
        expected = model_map.intervals()
        actual, err = attempt(lambda: [tuple(r) for r in impl_map.intervals()])
        self.same_outcome(None, err)
        self.check(laws.CONTENTS, actual == expected, expected, actual, "intervals()")
        size, err = attempt(lambda: len(impl_map))
        self.same_outcome(None, err)
        self.check(laws.CONTENTS, size == len(expected), len(expected), size, "len()")

    def lookup(self, index: Any) -> None:
        """All four reads of one index agree with the model's lookup law (counted in the ledger
        under the lookup's own form, also when a build probes it)."""
        if not self.keeps_ledger:
            self._check_lookup(index)
            return
        self.fold()  # (``counted_as``, inline: a build probes dozens of indices)
        form, self.form = self.form, lookup_form(index, self.scopes, self.indices())
        try:
            self._check_lookup(index)
        finally:
            self.fold()
            self.form = form

    def _check_lookup(self, index: Any) -> None:
        model_map, impl_map = self.maps()
        expected = model_map.get(index, MISSING)
        found = expected is not MISSING
        recorded = {i for i, _ in self.records}
        if found and index in recorded and model_intervals.in_domain(index):
            law = laws.RECORDED_LOOKUP
        elif (
            self.records
            and model_intervals.in_domain(index)
            and (min(recorded) < index < max(recorded))
        ):
            law = laws.BETWEEN_LOOKUP
        else:
            law = laws.OUTSIDE_LOOKUP
        want = (expected, expected if found else None, found, expected if found else "KeyError")

        def getitem() -> Any:
            try:
                return impl_map[index]
            except KeyError:
                return "KeyError"

        got, err = attempt(
            lambda: (
                impl_map.get(index, MISSING),
                impl_map.get(index),
                index in impl_map,
                getitem(),
            )
        )
        self.same_outcome(None, err)
        self.check(law, got == want, want, got, f"get / get(None) / in / [] of index {index!r}")

    def check_map(self) -> None:
        """A fresh map: normal form, equal to the model's, every probe looked up, and the same
        map from the records in reverse order."""
        model_map, impl_map = self.maps()
        ranges, err = attempt(lambda: [tuple(r) for r in impl_map.intervals()])
        self.same_outcome(None, err)
        recorded = sorted({i for i, _ in self.records})
        self._check_normal_form(ranges, set(recorded), len(model_map.intervals()))
        self.check_intervals()
        probes: list[Any] = list(recorded)
        for p, q in itertools.pairwise(recorded):
            probes += [p + 1, (p + q) // 2, q - 1] if q - p > 1 else []
        if recorded:
            probes += [recorded[0] - 1, recorded[-1] + 1]
        probes += PROBES
        for index in probes:
            self.lookup(index)
        again, err = attempt(lambda: self._rebuild_reversed())
        self.same_outcome(None, err)
        self.check(laws.ORDER_INDEPENDENCE, again == ranges, ranges, again, "records reversed")

    def _rebuild_reversed(self) -> list[tuple[int, ...]]:
        builder = self.impl.IntervalMapBuilder()
        for index, scope in reversed(self.records):
            builder.record(index, scope)
        return [tuple(r) for r in builder.build().intervals()]

    def _check_normal_form(
        self, ranges: list[tuple[Any, ...]], recorded: set[int], expected_count: int
    ) -> None:
        problems = [
            f"range {r} is not (start <= end, scope)"
            for r in ranges
            if len(r) != 3 or not r[0] <= r[1]
        ]
        problems += [
            f"{r} and {s} overlap or are unsorted"
            for r, s in itertools.pairwise(ranges)
            if not r[1] < s[0]
        ]
        problems += [
            f"{r} and {s} share a scope" for r, s in itertools.pairwise(ranges) if r[2] == s[2]
        ]
        problems += [
            f"{r} does not start and end at recorded indices"
            for r in ranges
            if r[0] not in recorded or r[1] not in recorded
        ]
        if len(ranges) != expected_count:
            problems.append(f"{len(ranges)} ranges, not 1 + the scope changes = {expected_count}")
        self.check(laws.NORMAL_FORM, not problems, "normal form", ranges, "; ".join(problems[:3]))

    def finish(self) -> None:
        if self.model_map is not None:
            self.check_intervals()
