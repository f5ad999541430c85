"""``replace``: ``b.entry(h, key).replace(value)`` (SPEC §2): the input itself when the stored
value is equal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from arenacheck.callbacks import Callback
from arenacheck.domains import KEY, VALUE, VAR
from arenacheck.ops.alist.lists import PLACES, Put, stored
from arenacheck.ops.base import fields
from arenacheck.structures import Op

if TYPE_CHECKING:
    pass


class Replace(Put):
    name = "replace"
    required = fields(src=VAR, key=KEY, value=VALUE)

    def call(
        self, op: Op, builder: Any, handles: Sequence[Any], fn: Callback | None, value: Any
    ) -> Any:
        return builder.entry(handles[0], op["key"]).replace(value)

    def places(self) -> tuple[str, ...]:
        return (*PLACES, "equal")

    def lands(self, where: str, contents: list[Any], op: Op) -> str:
        equal = where == "present" and stored(contents, op["key"]) == op["value"]
        return "equal" if equal else where


OPERATION = Replace()
