"""The interval-map operations (SPEC §3, §4), one module each, registered in the order
programs and the ledger list them."""

from arenacheck.ops import register
from arenacheck.ops.intervals import build, intervals, lookup, record

for _module in (record, build, lookup, intervals):
    register(_module.OPERATION)
