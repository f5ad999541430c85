"""A protocol server that serves the bundled implementation but answers some operations
``{"unsupported": true}``, as an adapter with gaps does (SPEC §4).

``python partial_adapter.py GAP...``; a GAP is an operation name (``insert_with``), a field's
value (``combine=add``), or ``all`` (every line). Everything else is served, so the harness's
verdicts on what ran are those of a correct implementation.
"""

from __future__ import annotations

import json
import sys

from arenacheck import impl
from arenacheck.protocol.server import Server


def unsupported(message: dict[str, object], gaps: list[str]) -> bool:
    if "all" in gaps:
        return True
    for gap in gaps:
        name, _, value = gap.partition("=")
        if (not value and message.get("op") == name) or (value and str(message.get(name)) == value):
            return True
    return False


def main(gaps: list[str]) -> None:
    server = Server(impl)
    for line in sys.stdin:
        message = json.loads(line)
        if "program" not in message and unsupported(message, gaps):
            print('{"unsupported": true}', flush=True)
            continue
        reply = server.handle(line)
        if reply is not None:
            print(reply, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
