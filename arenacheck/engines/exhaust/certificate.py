"""The exhaust engine's certificate: what an exhaustive run established — the implementation,
the bounds and domain, the programs by depth, the law checks, an order-independent digest — and
how shards' certificates combine into the whole's."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from arenacheck.targets import ImplSpec


@dataclass
class Certificate:
    """What an exhaustive run established: every canonical program within the bounds (of one
    shard, or all), run, each keeping every law.

    ``operations`` counts the programs' operations as if each ran alone, ``executed`` those the
    run applied (a prefix once, where copies share it; again for each extension, where they
    cannot); ``checks`` are by law, ``ledger`` by ``LAW@FORM``, each check counted at the program
    it ends. The digest is the XOR of the programs' SHA-256: the same for any order and any
    sharding of the same set of programs."""

    version: str
    implementation: str
    bounds: dict[str, Any]
    domain: dict[str, Any]
    shard: str = "whole"
    programs: dict[int, int] = field(default_factory=dict)  # by depth
    operations: int = 0
    executed: int = 0
    checks: dict[str, int] = field(default_factory=dict)
    ledger: dict[str, int] = field(default_factory=dict)
    digest: str = "0" * 64
    seconds: float = 0.0
    shared_prefixes: bool = True
    complete: bool = True  # False: a checkpoint of a run still going (or interrupted)
    units: list[str] = field(default_factory=list)  # for --resume: the units done

    @property
    def total(self) -> int:
        return sum(self.programs.values())

    def same_run(self) -> dict[str, Any]:
        """What two certificates of one enumeration share."""
        return {k: getattr(self, k) for k in ("version", "implementation", "bounds", "domain")}

    def claim(self) -> dict[str, Any]:
        """What the certificate states, without how it was reached (shard, time, sharing): the
        same for a whole run and its shards combined."""
        keys = ("programs", "operations", "checks", "ledger", "digest")
        return {**self.same_run(), **{k: getattr(self, k) for k in keys}}

    def entries(self) -> Counter[tuple[str, str]]:
        """The ledger's entries, ``(law, form)``: checks."""
        counts: Counter[tuple[str, str]] = Counter()
        for entry, n in self.ledger.items():
            law, _, form = entry.partition("@")
            counts[(law, form)] += n
        return counts

    def add(self, other: Certificate) -> None:
        self.programs = dict(Counter(self.programs) + Counter(other.programs))
        self.checks = dict(Counter(self.checks) + Counter(other.checks))
        self.ledger = dict(Counter(self.ledger) + Counter(other.ledger))
        self.operations += other.operations
        self.executed += other.executed
        self.digest = f"{int(self.digest, 16) ^ int(other.digest, 16):064x}"
        self.seconds += other.seconds
        self.units += other.units

    def describe(self) -> str:
        depths = ", ".join(f"{n} of {d}" for d, n in sorted(self.programs.items()))
        bounds = ", ".join(f"{k} {v}" for k, v in self.bounds.items())
        return "\n".join(
            [
                f"certificate ({self.shard}): every canonical program within the bounds holds "
                "every law",
                f"  implementation {self.implementation}; arenacheck {self.version}",
                f"  bounds: {bounds}",
                f"  domain: {json.dumps(self.domain)}",
                f"  programs: {self.total} (by operations: {depths})",
                f"  operations: {self.operations} in the programs, {self.executed} executed "
                + ("(prefixes shared)" if self.shared_prefixes else "(prefixes re-run)"),
                f"  law checks: {sum(self.checks.values())} ("
                + ", ".join(f"{law} {n}" for law, n in sorted(self.checks.items()))
                + ")",
                f"  digest {self.digest}",
                f"  {self.seconds:.1f} s",
            ]
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["programs"] = {str(d): n for d, n in sorted(self.programs.items())}
        data["total"] = self.total
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Certificate:
        """The certificate ``to_json`` wrote; ``ValueError`` if it is not one."""
        try:
            fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            fields["programs"] = {int(d): n for d, n in data["programs"].items()}
            return cls(**fields)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ValueError(f"not an exhaust certificate ({err})") from None


def combine(certificates: Sequence[Certificate]) -> Certificate:
    """The certificate of the whole from its shards' (``I/N`` for every I, once each)."""
    if not certificates:
        raise ValueError("no certificates to combine")
    first = certificates[0]
    for other in certificates[1:]:
        if other.same_run() != first.same_run():
            raise ValueError("the certificates are of different runs (version, bounds or domain)")
    shards = sorted(c.shard for c in certificates)
    count = int(shards[0].split("/")[1]) if "/" in shards[0] else 0
    wanted = [f"{i}/{count}" for i in range(count)]
    if shards != wanted:
        raise ValueError(f"the shards must be {', '.join(wanted) or 'I/N'} once each, not {shards}")
    whole = Certificate(**{**first.same_run(), "shard": "whole"})
    whole.shared_prefixes = all(c.shared_prefixes for c in certificates)
    for certificate in certificates:
        whole.add(certificate)
    whole.units = []
    return whole


def implementation_of(spec: ImplSpec) -> str:
    """The implementation, named so it can be told apart later: a module and a hash of its
    files, or the command."""
    if spec.command is not None:
        return f"command {spec.command}"
    from arenacheck.implementation import import_module

    module = import_module(spec.module)
    where = Path(module.__file__ or "")
    files = sorted(where.parent.glob("*.py")) if where.name == "__init__.py" else [where]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"module {spec.module} (sha256 {digest.hexdigest()[:16]} of {len(files)} files)"
