"""What to check, as the user named it: a module or ``.py`` file (``--impl``), or a command that
speaks the program protocol (``--impl-cmd``), turned into an ``Implementation``.

It lives above the core and the protocol (a command needs the protocol client) and below the
engines, so that replaying a file does not go through them. A spec also
travels: as flags (for the replay hint a report prints), and as environment variables (to a fuzz
target or selftest cell running in a process of its own).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

from arenacheck.implementation import Adapter, Implementation, load
from arenacheck.protocol.client import DEFAULT_TIMEOUT, External
from arenacheck.structures import STRUCTURES, Structure

DEFAULT_IMPL = "arenacheck.impl"
IMPL_ENV = "ARENACHECK_IMPL"
IMPL_CMD_ENV = "ARENACHECK_IMPL_CMD"
TIMEOUT_ENV = "ARENACHECK_TIMEOUT"


@dataclass(frozen=True)
class ImplSpec:
    """What to check, as the user named it: a Python module, or a command (SPEC §4)."""

    module: str = DEFAULT_IMPL
    command: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @property
    def is_process(self) -> bool:
        return self.command is not None

    def load(self, structures: tuple[Structure, ...] = STRUCTURES) -> Implementation:
        """The implementation; a command is started at once, so that one that cannot run is a
        usage error here rather than a violation later. ``close()`` it when done."""
        if self.command is None:
            return load(self.module, structures)
        external = External(self.command, self.timeout)
        external.start()
        return Adapter(external, structures, self.command)

    def verify(self, structures: tuple[Structure, ...] = STRUCTURES) -> None:
        """Raise ``ImplementationLoadError`` now if the implementation cannot be loaded."""
        self.load(structures).close()

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
