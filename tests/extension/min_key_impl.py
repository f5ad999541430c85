"""An implementation with one more read, ``min_key`` (the model's lists, plus it): what a user
whose structure has an operation of its own checks with ``--ops min_key.py``. With ``BUG`` set
(``min_key_bug.py``), ``min_key`` answers the largest key of a list of three or more."""

from __future__ import annotations

from typing import Any

from arenacheck.model import EMPTY, IntervalMapBuilder
from arenacheck.model import alist as model

__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]

BUG = False


class MinKey:
    def min_key(self, h: Any) -> Any:
        keys = self.keys(h)  # type: ignore[attr-defined]
        if BUG and len(keys) >= 3:
            return keys[-1]
        return keys[0] if keys else None


class ListStorage(MinKey, model.ListStorage):
    pass


class ListBuilder(MinKey, model.ListBuilder):
    def build(self) -> ListStorage:  # type: ignore[override]
        built = super().build()
        storage = ListStorage(built._lists)
        storage.cell_count = built.cell_count
        return storage
