"""The exhaust engine: every canonical program up to a number of operations, over a small domain,
checked by the runner — "nothing found up to this size", not "nothing found yet".

Random engines sample; this one enumerates (the small-scope hypothesis: most bugs show in small
instances). Every program of the *alphabet* — each operation of the registry over a small
domain of keys, values, record indices and scopes, with every combine and callback form, each
raising position, bad handles and bad values — up to ``max_ops`` operations, depth first; a
program is applied operation by operation by the drive loop, and a prefix is shared with its
extensions by a fork of its drive (``Drive.fork``) where the implementation is in process, and
re-executed from the start where it is not (a process holds one builder at a time). A prefix
that breaks a law is not extended; the first violation bounds the search to shorter programs, so
the one reported is found at the smallest depth, then goes down the failure path.

*Canonical*: two programs that differ only by an order-preserving relabelling of alist keys, or
by any relabelling of interval scopes, hold or break the same laws (the laws compare keys by order
and scopes by equality), so only one of each class is run: the one whose keys are the smallest of
the domain (its keys a prefix of the domain in order) and whose scopes appear in the order
0, 1, 2. An implementation that special-cases one key value could tell such programs apart; the
key domain therefore holds 0, a negative key and the top of the 64-bit range, and ``--keys``
widens it. Record indices are not relabelled: gaps between records matter (a lookup between).

*Long runs* are a domain of their own (``--long``): a run of 2,000 keys in either direction from
``EMPTY`` is one operation, every program starts with one or two, and the rest of the alphabet
works on the long lists, to a depth of 3 (``max_ops``): law 6 for every operation on long lists.

The result is a ``Certificate``: what was enumerated (bounds, domain), what ran (programs by
depth, operations, law checks by law), an order-independent digest of the programs, and the
implementation (a module's files hashed, or the command). Shards (``--shard I/N``) split the
programs by their first two operations, disjointly, and their certificates combine into the
whole's (``combine``).

The package: ``alphabet`` (bounds, domains, symmetries), ``certificate``, ``enumeration`` (the
search, shards, checkpoints), ``engine`` (as ``check`` and ``selftest`` run it).
"""

from arenacheck.engines.exhaust.alphabet import Bounds, indices, keys
from arenacheck.engines.exhaust.certificate import Certificate, combine, implementation_of
from arenacheck.engines.exhaust.engine import CHECK_BOUNDS, ENGINE, ledger_outcome, outcome_of
from arenacheck.engines.exhaust.enumeration import (
    Enumeration,
    Found,
    blank,
    checkpoint,
    combine_reports,
    run,
)

__all__ = [
    "CHECK_BOUNDS",
    "ENGINE",
    "Bounds",
    "Certificate",
    "Enumeration",
    "Found",
    "blank",
    "checkpoint",
    "combine",
    "combine_reports",
    "implementation_of",
    "indices",
    "keys",
    "ledger_outcome",
    "outcome_of",
    "run",
]
