"""Keeps the launcher's children running: a child that exits is started again after a backoff, and logged.

The backoff doubles with each exit that follows a short run (1 s, 2 s, 4 s ... at most MAX_BACKOFF) and starts
over once a child has stayed up STABLE_AFTER seconds, so a crash loop never spins and a rare crash is repaired
at once. stop() ends the children in the order they were given (the web server first).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

MAX_BACKOFF = 30.0
STABLE_AFTER = 60.0


def _log(message: str) -> None:
    print(f"facegate: {message}", file=sys.stderr, flush=True)


@dataclass
class Child:
    name: str
    argv: list[str]
    spawn: dict = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    failures: int = 0  # exits in a row, each after a short run
    restart_at: float | None = None
    restarts: int = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, **self.spawn)
        self.started_at = time.monotonic()
        self.restart_at = None

    @property
    def started(self) -> subprocess.Popen:
        """The process of the last start (the supervisor starts every child before it looks at them)."""
        if self.proc is None:
            raise RuntimeError(f"{self.name} was never started")
        return self.proc


class Supervisor:
    def __init__(self, children: list[Child], *, log=_log, max_backoff: float = MAX_BACKOFF):
        self.children = children
        self.log = log
        self.max_backoff = max_backoff

    def start(self) -> None:
        for child in self.children:
            child.start()

    def tick(self) -> None:
        """Notice exited children and start again those whose backoff has run out."""
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    child.start()
                    self.log(f"{child.name} restarted (pid {child.started.pid}, restart {child.restarts})")
                continue
            code = child.started.poll()
            if code is None:
                continue
            self._kill_group(child)
            child.failures = 1 if now - child.started_at >= STABLE_AFTER else child.failures + 1
            delay = min(self.max_backoff, 2.0 ** (child.failures - 1))
            child.restart_at = now + delay
            self.log(f"{child.name} exited with code {code}; restarting in {delay:.0f} s")

    @staticmethod
    def _kill_group(child: Child) -> None:
        """A killed Celery worker leaves its pool processes behind; they go with it (its own process group)."""
        try:
            os.killpg(child.started.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM every child in order, then wait; what is still running at the deadline is killed."""
        running = [c.proc for c in self.children if c.proc is not None and c.proc.poll() is None]
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in running:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
