"""A gallery of planted bugs: each module is the bundled implementation but for one bug.

Every module states the bug in its docstring and, in ``LAWS``, the laws a correct harness may
report first for it. ``tests/test_gallery.py`` proves that ``arenacheck check`` flags each one and
that ``arenacheck replay`` reproduces the minimal program it writes.
"""
