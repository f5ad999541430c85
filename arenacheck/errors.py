"""The typed errors of SPEC §2.2 and §3.2, shared by every implementation and the harness.

Implementations import these so that the runner can tell an expected error (the model raises the
same kind) from a bug (anything else). Each carries the offending value so callers can act on it.
"""

from __future__ import annotations


class InvalidHandle(ValueError):
    """A handle that is neither ``EMPTY`` nor a valid int handle of this arena."""

    def __init__(self, handle: object) -> None:
        super().__init__(f"invalid list handle {handle!r}")
        self.handle = handle


class BuilderFinished(RuntimeError):
    """A mutating call on a builder whose ``build()`` already ran."""

    def __init__(self, what: str = "builder") -> None:
        super().__init__(f"{what} is finished: build() already ran")


class ReentrantCall(RuntimeError):
    """A ``combine`` or ``fn`` callback called back into the builder that is running it."""

    def __init__(self) -> None:
        super().__init__("builder called from inside its own combine/fn callback")


class ConflictingRecord(ValueError):
    """One node index recorded with two different scopes (reported at ``build()``)."""

    def __init__(self, index: int, first_scope: int, second_scope: int) -> None:
        super().__init__(
            f"index {index} recorded with two scopes: {first_scope} and {second_scope}"
        )
        self.index = index
        self.scopes = (first_scope, second_scope)


class CallbackError(Exception):
    """Raised on purpose by a program's ``raise`` callbacks (the harness's, or an external
    implementation's on its behalf); it must reach the caller."""


class UnnamedError(Exception):
    """An error an external implementation reported without naming one of SPEC's kinds (an
    ``{"error": "..."}`` reply whose text does not start with a known kind): SPEC §4 allows any
    error text, so the runner accepts it wherever the model expects an error, and counts it as an
    error whose kind was not checked."""


class ProgramError(ValueError):
    """A malformed program file: the message names the line."""

    def __init__(self, line: int | None, message: str, path: str | None = None) -> None:
        where = f"{path}:{line}" if path and line else path or f"line {line}"
        super().__init__(f"{where}: {message}")
        self.line = line
        self.path = path


class ImplementationLoadError(ImportError):
    """``--impl`` named something that is not an implementation (SPEC §1 exports)."""


class Unsupported(BaseException):
    """An implementation answered that it cannot run an operation (SPEC §4: ``{"unsupported":
    true}``): the rest of the program cannot run.

    A ``BaseException`` so that it passes through the runner's ``attempt`` (which turns ordinary
    exceptions into outcomes to compare) and ends the program as *skipped*, not as a violation.
    """

    def __init__(self, op: object) -> None:
        super().__init__(f"unsupported by the implementation: {op}")
        self.op = op


class ProtocolFailure(BaseException):
    """An implementation in another process broke the protocol (SPEC §4): a late, malformed or
    missing reply. Not an error of the implementation's API: the runner reports it as a
    violation of its own kind (``law``), with the line sent and the tail of the process's stderr."""

    def __init__(self, law: str, sent: str, got: str, stderr: str) -> None:
        super().__init__(f"{law}: sent {sent}; got {got}")
        self.law, self.sent, self.got, self.stderr = law, sent, got, stderr

    @property
    def detail(self) -> str:
        tail = f"; stderr: {self.stderr}" if self.stderr else "; stderr: (empty)"
        return f"sent {self.sent}{tail}"


#: The error kinds the runner compares, most specific first: an error's kind is the first of these
#: it is an instance of (a ``ReentrantCall`` is a ``RuntimeError``, as SPEC §2 says it raises).
KINDS: tuple[type[Exception], ...] = (
    InvalidHandle,
    BuilderFinished,
    ConflictingRecord,
    CallbackError,
    RecursionError,
    KeyError,
    TypeError,
    ValueError,
    RuntimeError,
)


def error_kind(err: BaseException) -> str:
    """The kind of an error as the runner compares it and a protocol reply names it: the first
    of ``KINDS`` it is an instance of (else its own class name)."""
    return next((cls.__name__ for cls in KINDS if isinstance(err, cls)), type(err).__name__)
