"""A gallery of legal variants: each module is the bundled implementation but for one choice that
SPEC leaves to the implementation (docs/semantics.md, "Freedoms").

Every module names, in ``FREEDOM``, the freedom it uses and, in ``REJECTED_BY``, the ``--strict``
decisions (``arenacheck.strict``) that hold an implementation to the bundled choice instead; a
program in ``strict/`` named after the module shows each of them rejecting it. Every engine must
pass every variant (``tests/test_variants.py``, ``arenacheck selftest``): a harness that flags one
is raising a false alarm.
"""
