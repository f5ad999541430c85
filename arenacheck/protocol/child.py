"""The child process behind ``--impl-cmd``: started, written to, read from within a timeout,
and always stopped — a late, malformed or missing reply raises ``ProtocolFailure`` with the tail
of its stderr, and the child is killed (the next line starts a new one)."""

from __future__ import annotations

import atexit
import contextlib
import os
import select
import shlex
import subprocess
import tempfile
import time
import weakref
from typing import IO, NoReturn

from arenacheck import laws
from arenacheck.errors import ImplementationLoadError, ProtocolFailure

DEFAULT_TIMEOUT = 10.0


class Child:
    """One child process and its pipes; restarted on demand after a failure."""

    def __init__(self, command: str, timeout: float) -> None:
        try:
            self.argv = shlex.split(command)
        except ValueError as err:
            raise ImplementationLoadError(f"--impl-cmd {command!r}: {err}") from None
        if not self.argv:
            raise ImplementationLoadError("--impl-cmd is empty")
        self.command, self.timeout = command, timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.stderr: IO[bytes] | None = None
        self.buffer = b""
        self.lines = 0  # lines written, for throughput reports
        self.starts = 0

    def start(self) -> None:
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the child
        try:
            self.process = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                bufsize=0,
            )
        except OSError as err:
            message = f"cannot start --impl-cmd {self.command!r}: {err.strerror or err}"
            raise ImplementationLoadError(message) from None
        self.buffer = b""
        self.starts += 1
        _CHILDREN.add(self)

    def stop(self) -> None:
        """Kill the child (if running) and forget it; the next write starts a new one."""
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()
        _CHILDREN.discard(self)

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter exit, modules may be gone
            self.stop()

    def write(self, line: str) -> None:
        if self.process is None:
            self.start()
        assert self.process is not None and self.process.stdin is not None
        self.lines += 1
        try:
            self.process.stdin.write(line.encode() + b"\n")
        except OSError:
            self.fail(laws.PROTOCOL_EXITED, line, self._exit())

    def exchange(self, line: str) -> str:
        """Write one line and return the one reply line, within the timeout."""
        self.write(line)
        return self.read_reply(line)

    def exchange_many(self, lines: list[str], chunk: int = 64) -> list[str]:
        """Replies to many lines, pipelined: a chunk of short request lines always fits in the
        pipe, so writing it cannot block while the child waits for us to read its replies."""
        replies = []
        for start in range(0, len(lines), chunk):
            batch = lines[start : start + chunk]
            for line in batch:
                self.write(line)
            replies += [self.read_reply(line) for line in batch]
        return replies

    def read_reply(self, line: str) -> str:
        """The next reply line (to ``line``), within the timeout."""
        assert self.process is not None and self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + self.timeout
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(0.0, remaining))[0] if remaining > 0 else []
            if not ready:
                self.fail(laws.PROTOCOL_TIMEOUT, line, f"no reply within {self.timeout:g} s")
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                self.fail(laws.PROTOCOL_EXITED, line, self._exit())
            self.buffer += chunk
        reply, _, self.buffer = self.buffer.partition(b"\n")
        return reply.decode(errors="replace")

    def _exit(self) -> str:
        assert self.process is not None
        try:
            status = self.process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            return "its stdout closed (the process is still running)"
        return f"the process exited with status {status} (no reply)"

    def fail(self, law: str, sent: str, got: str) -> NoReturn:
        stderr = self.stderr_tail()
        self.stop()
        raise ProtocolFailure(law, sent, got, stderr)

    def stderr_tail(self, limit: int = 600) -> str:
        if self.stderr is None:
            return ""
        self.stderr.seek(0, os.SEEK_END)
        size = self.stderr.tell()
        self.stderr.seek(max(0, size - limit))
        text = self.stderr.read().decode(errors="replace").strip()
        return ("..." if size > limit else "") + " | ".join(text.splitlines())


_CHILDREN: weakref.WeakSet[Child] = weakref.WeakSet()


@atexit.register
def _stop_children() -> None:
    for child in list(_CHILDREN):
        child.stop()
