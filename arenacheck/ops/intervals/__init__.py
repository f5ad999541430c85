"""The interval-map operations (SPEC §3, §4), one module each, registered in the order
programs and the ledger list them."""

from arenacheck.ops import register
from arenacheck.ops.intervals import build, intervals, lookup, record
from arenacheck.ops.intervals.maps import BUILD, RECORDS
from arenacheck.ops.opening import opening

for _module in (record, build, lookup, intervals):
    register(_module.OPERATION)
# Another builder: its records, one at an index the first map holds with another scope.
register(opening("intervals", [*RECORDS, BUILD], [{**RECORDS[0], "scope": 2}, BUILD]))
