"""The launcher's supervisor on real child processes: a killed child comes back, with backoff, and is logged;
the others keep running; stop() ends them all."""

import os
import signal
import sys

from devserver.supervisor import Child, Supervisor
from tests.helpers import wait_for

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


def _supervisor(log):
    children = [Child(name, SLEEPER, {"start_new_session": True}) for name in ("web", "worker", "beat")]
    supervisor = Supervisor(children, log=log.append, max_backoff=4)
    supervisor.start()
    return supervisor, {c.name: c for c in children}


def _tick_until(supervisor, done, timeout=15):
    def tick():
        supervisor.tick()
        return None

    return wait_for(lambda: tick() or done(), bool, timeout=timeout, interval=0.1)


def test_a_killed_worker_is_restarted_and_the_web_server_stays_up():
    log: list[str] = []
    supervisor, children = _supervisor(log)
    try:
        web_pid, worker_pid = children["web"].proc.pid, children["worker"].proc.pid
        os.kill(worker_pid, signal.SIGKILL)
        _tick_until(supervisor, lambda: children["worker"].restarts == 1)
        assert children["worker"].proc.pid != worker_pid and children["worker"].proc.poll() is None
        assert children["web"].proc.pid == web_pid and children["web"].proc.poll() is None
        assert any("worker exited with code -9" in line for line in log) and any(
            "worker restarted" in line for line in log
        )
    finally:
        supervisor.stop(timeout=5)
    assert all(c.proc.poll() is not None for c in children.values())


def test_a_crash_loop_backs_off():
    log: list[str] = []
    supervisor, children = _supervisor(log)
    beat = children["beat"]
    try:
        for _ in range(3):
            os.kill(beat.proc.pid, signal.SIGKILL)
            restarts = beat.restarts
            _tick_until(supervisor, lambda restarts=restarts: beat.restarts == restarts + 1)
        delays = [line.split("restarting in ")[1] for line in log if "restarting in" in line]
        assert delays == ["1 s", "2 s", "4 s"]
    finally:
        supervisor.stop(timeout=5)
