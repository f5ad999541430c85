"""What the harness checks: an implementation, with every capability it may have declared.

A user gives a module (or a ``.py`` file) exporting SPEC §1's names, or a command that speaks the
program protocol (``arenacheck.protocol.client.External``). ``Implementation`` is the interface
every engine and the runner use: SPEC's names plus the optional capabilities, each a declared
method with a meaning. ``Adapter`` wraps whatever the user gave and supplies a default for each
capability the target does not declare: it is the one place that looks into a target; everywhere
else an implementation is passed explicitly and called through this interface.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from arenacheck.errors import ImplementationLoadError
from arenacheck.structures import STRUCTURES, Structure

#: The names SPEC §1 requires, by the structure that needs them.
EXPORTS: dict[Structure, tuple[str, ...]] = {
    "alist": ("ListBuilder", "EMPTY"),
    "intervals": ("IntervalMapBuilder",),
}
#: The name of each structure's builder.
BUILDERS: dict[Structure, str] = {"alist": "ListBuilder", "intervals": "IntervalMapBuilder"}


@dataclass
class Run:
    """One side of an ``extend``: the handle and cells after each completed step, and the error
    that stopped it, if any."""

    handles: list[Any]
    cells: list[int]
    error: Exception | None


class Implementation(Protocol):
    """An implementation under test, as the runner and every engine use it."""

    #: How reports name it (a module name, a file's stem, or a command).
    name: str
    #: The empty list's handle (SPEC: ``None``).
    EMPTY: Any
    #: Whether the harness sees each callback call (a process shows only results).
    observes_callbacks: bool

    def ListBuilder(self) -> Any: ...

    def IntervalMapBuilder(self) -> Any: ...

    def raw_handle(self, handle: Any) -> Any:
        """What the implementation itself called the list ``handle`` names (identity and type
        are checked on this)."""
        ...

    def insert_run(self, builder: Any, handle: Any, keys: range, value: Any) -> Run | None:
        """An ``extend`` made in one step, each insert's handle and cells reported; ``None``
        when the implementation has no such step (the runner then inserts key by key)."""
        ...

    def prefetch(self, reader: Any, handles: Sequence[Any]) -> None:
        """A hint that every one of ``handles`` is about to be read (a process answers them
        in one exchange)."""
        ...

    def beside(self, structure: Structure, builder: Any) -> Any:
        """A new builder of ``structure`` alive beside ``builder`` (a program's ``builder``
        line, version 3); a process makes it in the same child, or answers unsupported."""
        ...

    def supports(self, feature: str) -> bool:
        """Whether operations of ``feature`` (``implementation.feature``) can run: engines stop
        generating what an implementation said it cannot do."""
        ...

    def close(self) -> None:
        """Stop whatever the implementation runs (a process); it may be used again after."""
        ...


class Adapter:
    """Whatever the user gave, as an ``Implementation``: SPEC's names from the target, and each
    optional capability from the target if it declares it, else its default."""

    def __init__(
        self, target: object, structures: Sequence[Structure] = STRUCTURES, name: str = ""
    ) -> None:
        needed = [n for s in structures for n in EXPORTS[s]]
        missing = [n for n in needed if not hasattr(target, n)]
        self.name = name or str(getattr(target, "__name__", type(target).__name__))
        if missing:
            raise ImplementationLoadError(
                f"{self.name!r} is not an implementation: it does not export {', '.join(missing)}"
            )
        self.target = target
        self.EMPTY: Any = getattr(target, "EMPTY", None)
        self.observes_callbacks = bool(getattr(target, "observes_callbacks", True))
        self._raw: Callable[[Any], Any] | None = getattr(target, "raw_handle", None)
        self._run: Callable[..., Run | None] | None = getattr(target, "insert_run", None)
        self._prefetch: Callable[..., None] | None = getattr(target, "prefetch", None)
        self._supports: Callable[[str], bool] | None = getattr(target, "supports", None)
        self._beside: Callable[[Structure, Any], Any] | None = getattr(target, "beside", None)
        self._close: Callable[[], None] | None = getattr(target, "close", None)

    def ListBuilder(self) -> Any:
        return self.target.ListBuilder()  # type: ignore[attr-defined]

    def IntervalMapBuilder(self) -> Any:
        return self.target.IntervalMapBuilder()  # type: ignore[attr-defined]

    def raw_handle(self, handle: Any) -> Any:
        return handle if self._raw is None else self._raw(handle)

    def insert_run(self, builder: Any, handle: Any, keys: range, value: Any) -> Run | None:
        return None if self._run is None else self._run(builder, handle, keys, value)

    def prefetch(self, reader: Any, handles: Sequence[Any]) -> None:
        if self._prefetch is not None:
            self._prefetch(reader, handles)

    def beside(self, structure: Structure, builder: Any) -> Any:
        if self._beside is not None:
            return self._beside(structure, builder)
        return getattr(self.target, BUILDERS[structure])()

    def supports(self, feature: str) -> bool:
        return True if self._supports is None else self._supports(feature)

    def close(self) -> None:
        if self._close is not None:
            self._close()

    def __repr__(self) -> str:
        return f"<implementation {self.name}>"


def adapt(target: object, structures: Sequence[Structure] = STRUCTURES) -> Implementation:
    """``target`` as an ``Implementation``: itself if it is an ``Adapter`` already."""
    return target if isinstance(target, Adapter) else Adapter(target, structures)


def feature(op: Mapping[str, Any]) -> str:
    """What kind of operation ``op`` is, as far as an implementation may not support it: its name,
    the types of its key, value, index and scope, and its callbacks (not its numbers)."""
    types = [type(op[name]).__name__ for name in ("key", "value", "index", "scope") if name in op]
    callbacks = [f"{name}={op[name]}" for name in ("combine", "fn") if name in op]
    return " ".join([op["op"], *types, *callbacks])


# --- Python modules -------------------------------------------------------------------------------


def load(spec: str, structures: Collection[Structure] = STRUCTURES) -> Implementation:
    """Import ``spec`` (``package.module`` or ``path/to/file.py``) as an implementation of
    ``structures``: only the exports those need are required, so an implementation of one
    structure can be checked on its own. Every failure is one ``ImplementationLoadError``."""
    module = import_module(spec)
    name = Path(spec).stem if _is_path(spec) else spec
    return Adapter(module, tuple(structures), name)


def import_module(spec: str) -> ModuleType:
    """The module ``spec`` names (a dotted name, or a ``.py`` path)."""
    try:
        if _is_path(spec):
            return from_file(Path(spec))
        return importlib.import_module(spec)
    except ImplementationLoadError:
        raise
    except ModuleNotFoundError as err:
        raise ImplementationLoadError(f"cannot import implementation {spec!r}: {err}") from None
    except Exception as err:
        message = f"importing implementation {spec!r} failed: {type(err).__name__}: {err}"
        raise ImplementationLoadError(message) from None


def _is_path(spec: str) -> bool:
    return spec.endswith(".py") or "/" in spec or "\\" in spec


def from_file(path: Path) -> ModuleType:
    """A module loaded from a ``.py`` file, under a name unique to the file."""
    if not path.is_file():
        raise ImplementationLoadError(f"no such implementation file: {str(path)!r}")
    name = f"arenacheck_impl_{path.stem}_{abs(hash(path.resolve())):x}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImplementationLoadError(f"cannot load {str(path)!r} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
