"""Test-suite settings: the Hypothesis profile comes from $ARENACHECK_PROFILE (ci under $CI), and
a stateful test that finds a violation leaves its program under arenacheck-failures/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from arenacheck.engines.stateful import PROFILES, profile_name
from arenacheck.report import write_failure
from arenacheck.verdicts import ViolationFound

for _name, _settings in PROFILES.items():
    settings.register_profile(_name, _settings)
settings.load_profile(profile_name())

ROOT = Path(__file__).resolve().parent.parent


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is not None and isinstance(call.excinfo.value, ViolationFound):
        found = call.excinfo.value
        if found.program is not None:
            path = write_failure(found.program, found.violation.law, ROOT / "arenacheck-failures")
            report.sections.append(("arenacheck", f"failing program written to {path}"))
