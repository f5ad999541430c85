"""The callbacks a program hands an operation: ``combine`` (SPEC §4's six forms, and two that
misbehave on purpose) and ``or_insert_with``'s ``fn``.

One ``Callback`` object per side and per operation records its calls, so the runner can hold the
implementation's calls to the model's (SPEC §2: ``combine`` once per common key, as
``combine(first, second)``; ``fn`` only when inserting).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from arenacheck.errors import CallbackError

#: SPEC §4's combine forms, by name: ``combine(first, second)``. The non-commutative ones are there
#: to catch swapped arguments.
COMBINES: dict[str, Callable[[Any, Any], Any]] = {
    "left": lambda a, b: a,
    "right": lambda a, b: b,
    "add": operator.add,
    "sub": operator.sub,
    "min": min,
    "max": max,
}
#: Callbacks that misbehave on purpose (version 2): ``raise`` after ``after`` calls, ``reenter``
#: calls back into the builder (and then keeps the first value).
FAILING = ("raise", "reenter")
#: ``or_insert_with``'s callback forms: return the line's value, or misbehave.
FNS = ("value", *FAILING)


def attempt(call: Callable[[], Any]) -> tuple[Any, Exception | None]:
    """Run ``call``; return its result and ``None``, or ``None`` and what it raised."""
    try:
        return call(), None
    except Exception as err:
        return None, err


class Callback:
    """A program's ``combine`` or ``fn``: records its calls, and may raise or call back in."""

    def __init__(self, name: str, builder: Any, after: int = 0, value: Any = None) -> None:
        self.name, self.builder, self.after, self.value = name, builder, after, value
        self.calls: list[tuple[Any, ...]] = []
        self.reentry: list[Exception | None] = []

    def __call__(self, *args: Any) -> Any:
        self.calls.append(args)
        if self.name == "raise" and len(self.calls) > self.after:
            raise CallbackError(f"callback raised on call {len(self.calls)}, as the program asks")
        if self.name == "reenter":
            self.reentry.append(attempt(lambda: self.builder.insert(None, 0, 0))[1])
        if not args:  # an or_insert_with fn
            return self.value
        return COMBINES.get(self.name, COMBINES["left"])(*args)
