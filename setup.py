"""The compiled build of ``arenacheck.impl`` (``impl/_native.c``), as an optional extension.

Everything else is configured in ``pyproject.toml``. ``optional=True``: where no C compiler works
(``CC=false`` simulates it), the install goes on without the extension and ``arenacheck.impl``
runs the pure build; ``ARENACHECK_BUILD=pure`` at install time skips the compile altogether.
"""

import os

from setuptools import Extension, setup

NATIVE = Extension(
    "arenacheck.impl._native",
    sources=["impl/_native.c"],
    optional=True,
    extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wno-unused-parameter"],
)

setup(ext_modules=[] if os.environ.get("ARENACHECK_BUILD") == "pure" else [NATIVE])
