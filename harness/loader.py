"""Loading an implementation: a module name or file path (``--impl``), or a command that speaks
the program protocol (``--impl-cmd``)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from arenacheck.errors import ImplementationLoadError
from arenacheck.external import DEFAULT_TIMEOUT, External
from arenacheck.program import STRUCTURES, Structure

DEFAULT_IMPL = "arenacheck.impl"
IMPL_ENV = "ARENACHECK_IMPL"
IMPL_CMD_ENV = "ARENACHECK_IMPL_CMD"
TIMEOUT_ENV = "ARENACHECK_TIMEOUT"

#: The names SPEC §1 requires, by the structure that needs them.
EXPORTS: dict[Structure, tuple[str, ...]] = {
    "alist": ("ListBuilder", "EMPTY"),
    "intervals": ("IntervalMapBuilder",),
}


def load(spec: str, structures: tuple[Structure, ...] = ("alist", "intervals")) -> ModuleType:
    """Import ``spec`` (``package.module`` or ``path/to/file.py``) and check its exports.

    Only the exports the requested structures need are required, so an implementation of one
    structure can be checked on its own. Every failure is one ``ImplementationLoadError`` line.
    """
    try:
        if spec.endswith(".py") or "/" in spec or "\\" in spec:
            module = from_file(Path(spec))
        else:
            module = importlib.import_module(spec)
    except ImplementationLoadError:
        raise
    except ModuleNotFoundError as err:
        raise ImplementationLoadError(f"cannot import implementation {spec!r}: {err}") from None
    except Exception as err:
        message = f"importing implementation {spec!r} failed: {type(err).__name__}: {err}"
        raise ImplementationLoadError(message) from None
    needed = [name for s in structures for name in EXPORTS[s]]
    missing = [name for name in needed if not hasattr(module, name)]
    if missing:
        raise ImplementationLoadError(
            f"{spec!r} is not an implementation: it does not export {', '.join(missing)}"
        )
    return module


def from_file(path: Path) -> ModuleType:
    if not path.is_file():
        raise ImplementationLoadError(f"no such implementation file: {str(path)!r}")
    name = f"arenacheck_impl_{path.stem}_{abs(hash(path.resolve())):x}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImplementationLoadError(f"cannot load {str(path)!r} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class ImplSpec:
    """What to check, as the user named it: a Python module, or a command (SPEC §4)."""

    module: str = DEFAULT_IMPL
    command: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    def load(self, structures: tuple[Structure, ...] = STRUCTURES) -> Any:
        """The implementation object; a command is started at once, so that one that cannot
        run is a usage error here rather than a violation later."""
        if self.command is None:
            return load(self.module, structures)
        external = External(self.command, self.timeout)
        external.start()
        return external

    def verify(self, structures: tuple[Structure, ...] = STRUCTURES) -> None:
        """Raise ``ImplementationLoadError`` now if the implementation cannot be loaded."""
        impl = self.load(structures)
        if isinstance(impl, External):
            impl.close()

    def flags(self) -> str:
        """The command-line flags that name this implementation again (for replay hints)."""
        if self.command is None:
            return f"--impl {self.module}"
        timeout = "" if self.timeout == DEFAULT_TIMEOUT else f" --timeout {self.timeout:g}"
        return f"--impl-cmd {shlex.quote(self.command)}{timeout}"

    def env(self) -> dict[str, str]:
        """Environment variables that hand this spec to a fuzz target process."""
        if self.command is None:
            return {IMPL_ENV: self.module, IMPL_CMD_ENV: ""}
        return {IMPL_CMD_ENV: self.command, TIMEOUT_ENV: repr(self.timeout)}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ImplSpec:
        command = environ.get(IMPL_CMD_ENV) or None
        timeout = float(environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT)
        return cls(environ.get(IMPL_ENV) or DEFAULT_IMPL, command, timeout)
