"""One Cosmic Ray ``http`` worker, listening on 127.0.0.1 only: ``python mutation/worker.py PORT``.

``cosmic-ray http-worker`` listens on every interface, and runs whatever test command a request
names; ``mutation/run.py`` starts this instead, with Cosmic Ray's own request handler.
"""

from __future__ import annotations

import sys

from aiohttp import web
from cosmic_ray.distribution.http import handle_mutate_and_test


def main(argv: list[str]) -> None:
    app = web.Application()
    app.add_routes([web.post("/", handle_mutate_and_test)])
    web.run_app(app, host="127.0.0.1", port=int(argv[0]), print=None)


if __name__ == "__main__":
    main(sys.argv[1:])
