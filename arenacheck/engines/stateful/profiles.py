"""The stateful engine's Hypothesis settings profiles, by name, and the one a run uses."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

PROFILE_ENV = "ARENACHECK_PROFILE"

_COMMON = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
}
#: Settings profiles: ``ci`` is quick, ``dev`` the default, ``nightly`` long and deep, ``mutation``
#: for ``make mutation`` (docs/mutation.md).
PROFILES: dict[str, settings] = {
    # ci: the same examples on every run (a test suite must pass on every fresh clone); runs
    # driven for a time budget (``run``) still seed each batch afresh.
    "ci": settings(
        max_examples=40,
        stateful_step_count=30,
        derandomize=True,
        **_COMMON,  # type: ignore[arg-type]
    ),
    "dev": settings(max_examples=150, stateful_step_count=50, **_COMMON),  # type: ignore[arg-type]
    "nightly": settings(max_examples=4000, stateful_step_count=120, **_COMMON),  # type: ignore[arg-type]
    # Mutation testing reruns the suite for each mutant: ci-sized, the same examples every run (a
    # surviving mutant survives again, and its listing in docs/mutation.md stays true), and no
    # shrinking: a mutant is killed by the first failure, nobody reads the minimal example.
    "mutation": settings(
        max_examples=60,
        stateful_step_count=30,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        **_COMMON,  # type: ignore[arg-type]
    ),
}


def profile_name() -> str:
    """The profile named by ``$ARENACHECK_PROFILE`` (``ci`` when ``$CI`` is set, else ``dev``)."""
    name = os.environ.get(PROFILE_ENV) or ("ci" if os.environ.get("CI") else "dev")
    if name not in PROFILES:
        raise ValueError(f"{PROFILE_ENV}={name!r}: choose one of {', '.join(PROFILES)}")
    return name


def profile(name: str | None = None) -> settings:
    return PROFILES[name or profile_name()]
