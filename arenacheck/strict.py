"""The choices SPEC leaves to an implementation, and the project's own stricter decisions among
them: opt-in, by name (``--strict``).

By default the runner holds an implementation to SPEC and accepts every choice SPEC leaves to it
(``FREEDOMS``; docs/semantics.md, "Freedoms", shows a legal variant using each). Each decision
below is one choice the bundled implementation makes and a user may want to hold their own to as
well; none of them is a law.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Every choice SPEC leaves to an implementation; the runner accepts each (a legal variant in
#: ``arenacheck/gallery/variants`` uses it, and every engine must pass that variant).
FREEDOMS = (
    "handle values",
    "returning an input's handle for a result equal to it",
    "allocating fewer cells than a bound",
    "the order of combine calls across keys",
    "the order of errors when several apply",
    "TypeError or ValueError for a bad record",
    "which conflict an error names",
    "error messages beyond naming the offending value",
    "error replies without a known kind",
    "when an entry checks its handle",
    "how a map stores its ranges",
    "which of two equal keys a list holds",
    "storing copies of values",
)

#: Inserts and replaces allocate exactly ``1 + #{k > key}`` cells, as the Rust original does
#: (SPEC: an upper bound).
EXACT_ALLOCATION = "exact-allocation"
#: When several errors apply, the model's: a finished builder before a bad handle, a bad value or
#: a key comparison (SPEC: any of them).
ERROR_ORDER = "error-order"
#: A bad record raises ``TypeError`` for a non-int and ``ValueError`` for an int outside the
#: domain (SPEC: either).
RECORD_ERROR_KIND = "record-error-kind"
#: ``ConflictingRecord`` names the smallest conflicting index and its two smallest scopes (SPEC:
#: any conflicting index and two of its distinct scopes).
CONFLICT_CHOICE = "conflict-choice"
#: A protocol error reply starts with one of SPEC's error kinds (SPEC §4: any text).
KNOWN_ERROR_KINDS = "known-error-kinds"

DECISIONS: dict[str, str] = {
    EXACT_ALLOCATION: "inserts and replaces allocate exactly the law's cells, no fewer",
    ERROR_ORDER: "when several errors apply, the model's (a finished builder first)",
    RECORD_ERROR_KIND: "TypeError for a non-int record, ValueError for one out of the domain",
    CONFLICT_CHOICE: "ConflictingRecord names the smallest index and its two smallest scopes",
    KNOWN_ERROR_KINDS: "a protocol error reply names one of SPEC's error kinds",
}

Strictness = frozenset[str]
NONE: Strictness = frozenset()
ALL: Strictness = frozenset(DECISIONS)


def parse(names: Iterable[str]) -> Strictness:
    """The decisions named (``all`` for every one); ``ValueError`` names an unknown one."""
    chosen: set[str] = set()
    for name in names:
        name = name.strip()
        if name == "all":
            chosen |= ALL
        elif name in DECISIONS:
            chosen.add(name)
        elif name:
            known = ", ".join(["all", *DECISIONS])
            raise ValueError(f"unknown strict decision {name!r} (known: {known})")
    return frozenset(chosen)
