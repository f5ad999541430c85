"""The stateful machines, collected by pytest, against the model itself and the implementation
(the model checked against itself must pass: SPEC §1)."""

from __future__ import annotations

import pytest

import arenacheck.impl
import arenacheck.model
from arenacheck.engines.stateful import machine_for, profile

pytestmark = pytest.mark.engine

TestAlistModel = machine_for("alist", arenacheck.model).TestCase
TestIntervalsModel = machine_for("intervals", arenacheck.model).TestCase
TestAlistImpl = machine_for("alist", arenacheck.impl).TestCase
TestIntervalsImpl = machine_for("intervals", arenacheck.impl).TestCase

for _case in (TestAlistModel, TestIntervalsModel, TestAlistImpl, TestIntervalsImpl):
    _case.settings = profile()
del _case
