"""The public API is documented as sortedcontainers documents its own: every method's docstring
gives a summary, its complexity and an example that runs, and docs/api.md lists every method."""

from __future__ import annotations

import doctest
import inspect
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import pytest

import arenacheck.impl
import arenacheck.impl.alist
import arenacheck.impl.intervals
import arenacheck.impl.pure
import arenacheck.model
import arenacheck.model.alist
import arenacheck.model.intervals

API_PAGE = Path(__file__).resolve().parent.parent / "docs" / "api.md"

PACKAGES: tuple[ModuleType, ...] = (arenacheck.impl, arenacheck.model)
MODULES: tuple[ModuleType, ...] = (
    arenacheck.impl.alist,
    arenacheck.impl.intervals,
    arenacheck.model.alist,
    arenacheck.model.intervals,
)
#: The model's helpers are public API too: the runner and the prover call them directly.
FUNCTION_MODULES: tuple[ModuleType, ...] = (arenacheck.model.alist, arenacheck.model.intervals)
#: Dunders that are API where a class defines them (SPEC §3.1: ``m[index]``, ``index in m``, ``len``).
DUNDERS = ("__getitem__", "__contains__", "__len__")


class Member(NamedTuple):
    """One documented name: ``cls`` is the class it is looked up on (``None`` for a function),
    ``owner`` the class or module that defines it, where its docstring lives."""

    package: ModuleType
    cls: type | None
    owner: type | ModuleType
    name: str
    obj: Any

    @property
    def id(self) -> str:
        where = self.cls.__name__ if self.cls is not None else self.owner.__name__.split(".")[-1]
        return f"{self.package.__name__.split('.')[-1]}.{where}.{self.name}"


def classes(package: ModuleType) -> list[type]:
    """The classes ``package`` exports, and the ``Entry`` class its ``entry()`` returns. For
    ``arenacheck.impl``, the pure build's: the compiled build has the same methods with the same
    summaries (tests/test_native.py), and its examples are these."""
    source = arenacheck.impl.pure if package is arenacheck.impl else package
    exported = [getattr(source, name) for name in package.__all__]
    entry = type(source.ListBuilder().entry(source.EMPTY, 0))
    return [*(obj for obj in exported if inspect.isclass(obj)), entry]


def _line(obj: Any) -> int:
    function: Any = obj.fget if isinstance(obj, property) else obj
    return int(function.__code__.co_firstlineno)


def methods(package: ModuleType, cls: type) -> list[Member]:
    """The public methods and properties of ``cls`` (with the named dunders), in definition
    order, each with the class that defines it (a read is defined once, on a shared base)."""
    found: dict[str, Member] = {}
    for owner in cls.__mro__[:-1]:  # not ``object``
        for name, attr in vars(owner).items():
            public = not name.startswith("_") or name in DUNDERS
            routine = inspect.isfunction(attr) or isinstance(attr, property)
            if public and routine and name not in found:
                found[name] = Member(package, cls, owner, name, attr)
    return sorted(found.values(), key=lambda m: (m.owner is cls, _line(m.obj)))


def functions(module: ModuleType) -> list[Member]:
    """The public functions ``module`` defines (not those it imports), in definition order."""
    found = [
        Member(arenacheck.model, None, module, name, obj)
        for name, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__ and name[0] != "_"
    ]
    return sorted(found, key=lambda m: _line(m.obj))


def public_api() -> list[Member]:
    """Every documented name, package by package."""
    members = [m for p in PACKAGES for cls in classes(p) for m in methods(p, cls)]
    return members + [m for module in FUNCTION_MODULES for m in functions(module)]


API = public_api()


def test_the_api_is_found() -> None:
    names = {m.id for m in API}
    for expected in [
        "impl.ListBuilder.insert",
        "impl.ListStorage.items",
        "impl.ListBuilder.cell_count",
        "impl.Entry.or_insert_with",
        "impl.IntervalMap.__getitem__",
        "impl.IntervalMapBuilder.record",
        "model.ListStorage.get",
        "model.Entry.replace",
        "model.IntervalMap.__len__",
        "model.alist.merge_entries",
        "model.intervals.coalesced",
    ]:
        assert expected in names, sorted(names)


@pytest.mark.parametrize("member", API, ids=[m.id for m in API])
def test_every_public_method_has_a_summary_a_complexity_and_an_example(member: Member) -> None:
    doc = inspect.cleandoc(member.obj.__doc__ or "")
    assert doc, f"{member.id} has no docstring"
    summary = doc.split("\n\n")[0]
    assert "\n" not in summary, f"{member.id}: the docstring starts with a one-line summary"
    lines = [line.strip() for line in doc.splitlines()]
    assert any(line.startswith("Complexity:") for line in lines), f"{member.id}: no Complexity:"
    assert any(line.startswith(">>>") for line in lines), f"{member.id}: no >>> example"


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_the_doctests_pass(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def page_section(package: ModuleType) -> str:
    """The part of docs/api.md under the heading ``## package``, up to the next such heading."""
    page = API_PAGE.read_text(encoding="utf-8")
    start = page.index(f"\n## `{package.__name__}`\n")
    end = page.find("\n## ", start + 1)
    return page[start : end if end >= 0 else len(page)]


@pytest.mark.parametrize("member", API, ids=[m.id for m in API])
def test_the_api_page_lists_every_public_method(member: Member) -> None:
    assert f"| `{member.name}` |" in page_section(member.package), member.id
