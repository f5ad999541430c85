"""``python -m arenacheck``."""

import sys

from arenacheck.cli import main

sys.exit(main())
