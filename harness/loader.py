"""Loading an implementation by module name or file path (``--impl``)."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from arenacheck.errors import ImplementationLoadError
from arenacheck.program import Structure

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
            module = _from_file(Path(spec))
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


def _from_file(path: Path) -> ModuleType:
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
