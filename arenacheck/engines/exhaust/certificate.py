"""The exhaust engine's certificate: what an exhaustive run established — the implementation,
the bounds and domain, the programs by depth, the law checks, an order-independent digest — and
how shards' certificates combine into the whole's."""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from arenacheck.targets import ImplSpec

#: The certificate format (and the exhaust report's): 2 names strictness, accepted unsupported
#: forms and the programs cut short; a certificate of another format does not combine or resume.
FORMAT = 2


@dataclass
class Certificate:
    """What an exhaustive run established: the canonical programs within the bounds (of one
    shard, or all) that ran, each keeping every law — and the programs an unsupported answer cut
    short, which are not among them.

    ``operations`` counts the programs' operations as if each ran alone, ``executed`` those the
    run applied (a prefix once, where copies share it; again for each extension, where they
    cannot); ``checks`` are by law, ``ledger`` by ``LAW@FORM``, each check counted at the program
    it ends, and ``reached`` the domain classes those programs' last operations reached.
    ``digest`` is the XOR of the SHA-256 of the programs that ran — the same for any order and
    any sharding of the same set — and ``cut_digest`` that of the programs cut short
    (``unsupported``: how many, by the form answered unsupported); the extensions of a program
    cut short are not enumerated. Everything that changes what is enumerated or how it is judged
    is part of the run (``same_run``): the implementation, the bounds and symmetries, the
    domain, the strict decisions, the forms accepted as unsupported."""

    version: str
    implementation: str
    bounds: dict[str, Any]
    domain: dict[str, Any]
    strict: list[str] = field(default_factory=list)
    allow_unsupported: list[str] = field(default_factory=list)
    format: int = FORMAT
    shard: str = "whole"
    programs: dict[int, int] = field(default_factory=dict)  # by depth
    operations: int = 0
    executed: int = 0
    checks: dict[str, int] = field(default_factory=dict)
    ledger: dict[str, int] = field(default_factory=dict)
    #: The programs' last operations by the domain class they reached (``record.scope:0``).
    reached: dict[str, int] = field(default_factory=dict)
    digest: str = "0" * 64
    unsupported: dict[str, int] = field(default_factory=dict)  # programs cut short, by form
    cut_digest: str = "0" * 64
    seconds: float = 0.0
    shared_prefixes: bool = True
    #: Programs that failed from a shared prefix but held every law run afresh (builders the
    #: enumeration kept alive shared state with them): their verdict is the fresh run's.
    refreshed: int = 0
    complete: bool = True  # False: a checkpoint of a run still going (or interrupted)
    units: list[str] = field(default_factory=list)  # for --resume: the units done

    RUN: ClassVar[tuple[str, ...]] = (
        "format", "version", "implementation", "bounds", "domain", "strict", "allow_unsupported",
    )  # fmt: skip

    @property
    def total(self) -> int:
        return sum(self.programs.values())

    @property
    def cut(self) -> int:
        """Programs cut short by an unsupported answer."""
        return sum(self.unsupported.values())

    @property
    def whole(self) -> bool:
        """Every canonical program within the bounds ran (no shard, nothing cut short)."""
        return self.shard == "whole" and not self.cut

    def same_run(self) -> dict[str, Any]:
        """What two certificates of one enumeration share."""
        return {k: getattr(self, k) for k in self.RUN}

    def claim(self) -> dict[str, Any]:
        """What the certificate states, without how it was reached (shard, time, sharing): the
        same for a whole run and its shards combined."""
        keys = (
            "programs", "operations", "checks", "ledger", "reached", "digest", "unsupported",
            "cut_digest",
        )  # fmt: skip
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
        self.reached = dict(Counter(self.reached) + Counter(other.reached))
        self.unsupported = dict(Counter(self.unsupported) + Counter(other.unsupported))
        self.operations += other.operations
        self.executed += other.executed
        self.refreshed += other.refreshed
        self.digest = f"{int(self.digest, 16) ^ int(other.digest, 16):064x}"
        self.cut_digest = f"{int(self.cut_digest, 16) ^ int(other.cut_digest, 16):064x}"
        self.seconds += other.seconds
        self.units += other.units

    def statement(self) -> str:
        """The certificate's first line: what it states, and of which programs."""
        if self.cut:
            return (
                f"certificate (partial: {self.cut} programs cut short as unsupported"
                + ("" if self.shard == "whole" else f"; shard {self.shard}")
                + f"): the {self.total} canonical programs that ran hold every law; those cut "
                "short, and their extensions, were not checked"
            )
        if self.shard != "whole":
            return (
                f"certificate (shard {self.shard}): every canonical program of the shard holds "
                "every law"
            )
        return "certificate (whole): every canonical program within the bounds holds every law"

    def describe(self) -> str:
        depths = ", ".join(f"{n} of {d}" for d, n in sorted(self.programs.items()))
        bounds = ", ".join(f"{k} {v}" for k, v in self.bounds.items())
        lines = [
            self.statement(),
            f"  implementation {self.implementation}; arenacheck {self.version}",
            f"  bounds: {bounds}",
            f"  domain: {json.dumps(self.domain)}",
            f"  strict: {', '.join(self.strict) or 'none (SPEC alone)'}",
            f"  programs run: {self.total} (by operations: {depths or 'none'})",
        ]
        if self.cut:
            forms = ", ".join(f"{form} {n}" for form, n in sorted(self.unsupported.items()))
            accepted = ", ".join(self.allow_unsupported) or "none"
            lines.append(f"  cut short as unsupported: {self.cut} programs, at {forms}")
            lines.append(f"  accepted as unsupported (--allow-unsupported): {accepted}")
        lines += [
            f"  operations: {self.operations} in the programs run, {self.executed} executed "
            + ("(prefixes shared)" if self.shared_prefixes else "(prefixes re-run)")
            + (
                f"; {self.refreshed} programs failed from a shared prefix and held every law"
                " run afresh (their builder shared state with another alive)"
                if self.refreshed
                else ""
            ),
            f"  law checks: {sum(self.checks.values())} ("
            + ", ".join(f"{law} {n}" for law, n in sorted(self.checks.items()))
            + ")",
            f"  digest of the programs run: {self.digest}",
        ]
        if self.cut:
            lines.append(f"  digest of the programs cut short: {self.cut_digest}")
        lines.append(f"  {self.seconds:.1f} s")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["programs"] = {str(d): n for d, n in sorted(self.programs.items())}
        data["total"] = self.total
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Certificate:
        """The certificate ``to_json`` wrote; ``ValueError`` if it is not one, or of another
        format."""
        if data.get("format") != FORMAT:
            raise ValueError(
                f"a certificate of format {data.get('format', 1)}, not {FORMAT}: run it again "
                "with this version of arenacheck"
            )
        try:
            fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
            fields["programs"] = {int(d): n for d, n in data["programs"].items()}
            return cls(**fields)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ValueError(f"not an exhaust certificate ({err})") from None


def differences(first: Certificate, other: Certificate) -> list[str]:
    """What two certificates disagree on of what their run is (``same_run``)."""
    mine, theirs = first.same_run(), other.same_run()
    return [key for key in Certificate.RUN if mine[key] != theirs[key]]


def combine(certificates: Sequence[Certificate]) -> Certificate:
    """The certificate of the whole from its shards' (``I/N`` for every I, once each)."""
    if not certificates:
        raise ValueError("no certificates to combine")
    first = certificates[0]
    for other in certificates[1:]:
        if differ := differences(first, other):
            raise ValueError(f"the certificates are of different runs: {', '.join(differ)} differ")
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
    """The implementation, named so it can be told apart later: a module and a hash of its files
    (its package's Python and extension modules), or the command and a hash of its executable
    and of every file it names."""
    if spec.command is not None:
        return f"command {spec.command} ({_command_files(spec.command)})"
    from arenacheck.implementation import import_module

    module = import_module(spec.module)
    where = Path(module.__file__ or "")
    if where.name.startswith("__init__."):
        files = sorted(p for p in where.parent.iterdir() if p.suffix in (".py", ".so", ".pyd"))
    else:
        files = [where]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"module {spec.module} (sha256 {digest.hexdigest()[:16]} of {len(files)} files)"


def _command_files(command: str) -> str:
    """The sha256 of the executable a command runs and of each file it names (a rebuilt binary,
    or a changed script, is another implementation)."""
    words = shlex.split(command)
    found = [shutil.which(words[0]) or words[0], *words[1:]]
    files = [Path(word) for word in found if Path(word).is_file()]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return f"sha256 {digest.hexdigest()[:16]} of {len(files)} files"
