"""What the generators look at besides the model's contents: where a combine could leave the
range program values keep (SPEC §4: generated programs keep combine results in 64 bits)."""

from __future__ import annotations

from arenacheck.sessions.alist import AlistSession


def may_overflow(session: AlistSession, a: int, b: int) -> bool:
    """Whether ``add``/``sub`` of the two lists' values could leave [-2**63, 2**63): program
    generators then combine with ``left``."""
    biggest = [
        max((abs(v) for _, v in session.contents(var) or [] if isinstance(v, int)), default=0)
        for var in (a, b)
    ]
    return sum(biggest) >= 2**62
