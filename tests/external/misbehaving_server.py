"""A protocol server that serves the model but misbehaves on any operation whose key is 13.

``python misbehaving_server.py MODE``; MODE says how: ``crash`` (writes to stderr, exits 3),
``hang`` (never answers), ``garbage`` (a line that is not JSON), ``shape`` (a JSON object that is
not a list reply), ``close`` (closes stdout but keeps running), ``unsupported`` (answers
``{"unsupported": true}``). Everything else is the model, so one process serves clean programs.
"""

from __future__ import annotations

import json
import os
import sys
import time

from arenacheck import model
from arenacheck.protocol.server import Server


def main(mode: str) -> None:
    server = Server(model)
    for line in sys.stdin:
        if json.loads(line).get("key") == 13:
            if mode == "crash":
                print("boom: key 13 is unlucky", file=sys.stderr, flush=True)
                sys.exit(3)
            if mode == "hang":
                time.sleep(3600)
            if mode == "close":
                os.close(1)
                time.sleep(3600)
            replies = {"garbage": "hello, world", "shape": '{"handle": 1}'}
            print(replies.get(mode, '{"unsupported": true}'), flush=True)
            continue
        reply = server.handle(line)
        if reply is not None:
            print(reply, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
