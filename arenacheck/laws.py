"""Names of the laws the runner checks, as reported in every violation.

Each name points at its place in SPEC so that a report can be read against the contract.
"""

from __future__ import annotations

ORDER = "order"  # §2.1 law 1
CONTENTS = "contents"  # §2.1 law 2, §3.1 the built map equals the model's
PERSISTENCE = "persistence"  # §2.1 law 3
IDENTITY = "identity on no-op"  # §2.1 law 4
ALLOCATION = "allocation"  # §2.1 law 5
NO_RECURSION = "no recursion"  # §2.1 law 6
EXCEPTION_SAFETY = "exception safety"  # §2.1 law 7
HANDLES = "handles"  # §2: a list is EMPTY (None) or a plain int handle
CALLBACKS = "callbacks"  # §2: combine once per common key as (first, second); fn only to insert
REENTRANCY = "reentrancy"  # §2: a callback calling back in gets RuntimeError
BAD_INPUT = "bad input"  # §2.2, §3.2: the right typed error, and nothing changes
UNEXPECTED_ERROR = "unexpected error"  # an operation the model completes raised
RECORDED_LOOKUP = "recorded lookups"  # §3.1 law 1
BETWEEN_LOOKUP = "lookup between records"  # §3.1 law 2
OUTSIDE_LOOKUP = "lookup outside records"  # §3.1 law 2 (no neighbour) and §3 (outside domain)
NORMAL_FORM = "normal form"  # §3.1 law 3
ORDER_INDEPENDENCE = "order independence"  # §3.1 law 4
PROTOCOL_MALFORMED = "malformed reply"  # §4: an external implementation's reply is not a reply
PROTOCOL_TIMEOUT = "no reply in time"  # §4: ... or does not come within the timeout
PROTOCOL_EXITED = "process exited"  # §4: ... or never comes because the process is gone

SECTIONS = {
    ORDER: "SPEC §2.1 law 1",
    CONTENTS: "SPEC §2.1 law 2 / §3.1",
    PERSISTENCE: "SPEC §2.1 law 3",
    IDENTITY: "SPEC §2.1 law 4",
    ALLOCATION: "SPEC §2.1 law 5",
    NO_RECURSION: "SPEC §2.1 law 6",
    EXCEPTION_SAFETY: "SPEC §2.1 law 7",
    HANDLES: "SPEC §2",
    CALLBACKS: "SPEC §2",
    REENTRANCY: "SPEC §2",
    BAD_INPUT: "SPEC §2.2 / §3.2",
    UNEXPECTED_ERROR: "SPEC §2 / §3",
    RECORDED_LOOKUP: "SPEC §3.1 law 1",
    BETWEEN_LOOKUP: "SPEC §3.1 law 2",
    OUTSIDE_LOOKUP: "SPEC §3.1 law 2 / §3",
    NORMAL_FORM: "SPEC §3.1 law 3",
    ORDER_INDEPENDENCE: "SPEC §3.1 law 4",
    PROTOCOL_MALFORMED: "SPEC §4 external implementations",
    PROTOCOL_TIMEOUT: "SPEC §4 external implementations",
    PROTOCOL_EXITED: "SPEC §4 external implementations",
}
