"""The Atheris engine: coverage-guided fuzzing of byte strings decoded into programs
(``decode``), one target process per structure and job (``jobs``, ``target``; ``engine``).

This package imports nothing: a target process imports the implementation under coverage
instrumentation first.
"""
