"""arenacheck: reference models, arena implementations and a harness that checks one against
the other (SPEC.md).

The core — errors, programs, the runner, the models and the implementation — imports nothing
beyond the standard library; the engines and the CLI bring in Hypothesis and rich.
"""

from arenacheck.errors import (
    BuilderFinished,
    ConflictingRecord,
    ImplementationLoadError,
    InvalidHandle,
    ProgramError,
    ReentrantCall,
)

__version__ = "0.1.0"

__all__ = [
    "BuilderFinished",
    "ConflictingRecord",
    "ImplementationLoadError",
    "InvalidHandle",
    "ProgramError",
    "ReentrantCall",
    "__version__",
]
