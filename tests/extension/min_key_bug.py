"""``min_key_impl`` with its planted bug: ``min_key`` of a list of three or more keys answers
the largest."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "min_key_bug_impl", Path(__file__).with_name("min_key_impl.py")
)
assert _spec is not None and _spec.loader is not None
_impl = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_impl)
_impl.BUG = True

EMPTY, ListBuilder, IntervalMapBuilder = _impl.EMPTY, _impl.ListBuilder, _impl.IntervalMapBuilder
__all__ = ["EMPTY", "IntervalMapBuilder", "ListBuilder"]
