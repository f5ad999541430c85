"""A protocol adapter (SPEC §4) that uses the freedoms a process has: its error replies name no
kind (``{"error": "invalid list handle -1"}``, not ``"InvalidHandle: ..."``), its handles are
numbered by a counter that runs on across builders, and it answers ``extend`` (an extension of
the language) ``{"unsupported": true}``. Behind it, the bundled implementation.

``python freedoms_adapter.py``: reads operation lines on stdin, writes one reply line each.
"""

from __future__ import annotations

import itertools
import json
import sys
from typing import Any

STRUCTURE = "both"
FREEDOM = "error replies without a known kind"
REJECTED_BY = {"known-error-kinds"}
PROCESS = True  # checked through --impl-cmd only


def main() -> None:
    import arenacheck.impl
    from arenacheck.protocol.server import Server

    server = Server(arenacheck.impl)
    counter = itertools.count(7)
    names: dict[Any, int] = {}  # this builder's handles -> the numbers this adapter gives them

    def name(handle: Any) -> Any:
        if handle is None:
            return None
        if handle not in names:
            names[handle] = next(counter)
        return names[handle]

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if "program" in request:
            names.clear()  # a new builder: new handles, numbered on from the last one
        if request.get("op") == "extend":
            print('{"unsupported": true}', flush=True)
            continue
        text = server.handle(line)
        if text is None:
            continue
        reply = json.loads(text)
        if "error" in reply:
            reply["error"] = reply["error"].split(": ", 1)[-1]  # the message without its kind
        if "handle" in reply:
            reply["handle"] = name(reply["handle"])
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
