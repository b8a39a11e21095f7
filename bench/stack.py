"""What the benches share: one stack starter and one percentile definition.

`Stack` runs `python -m devserver run` (gunicorn, a Celery worker, beat, the audit sequencer, embedded PostgreSQL
and Redis) in its own data directory on a loopback port, so a bench never touches the stack of `make run` or
`make test`, and makes a tenant, an API key and an officer token with the management commands.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Self

import numpy as np
import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0-100), linearly interpolated (NumPy's default), to 0.01; None without values."""
    return round(float(np.percentile(values, p)), 2) if len(values) else None


def result_written(path: Path, result: dict) -> None:
    """A bench's figures as JSON beside the printed table (docs/bench/ keeps the runs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written {path}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    def __init__(
        self, data_dir: Path, port: int | None = None, purposes: str = "fraud_prevention", standby: bool = False
    ):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        self.env = {**os.environ, "FACEGATE_DATA_DIR": str(data_dir), "PORT": str(self.port)}
        self.env.pop("DATABASE_URL", None)
        self.env.pop("REDIS_URL", None)
        self.data_dir, self.purposes = data_dir, purposes
        self.standby = standby  # `devserver run --standby`: a synchronous hot standby (docs/replication.md)
        self.log = open(data_dir.parent / f"{data_dir.name}-stack.log", "ab")  # noqa: SIM115 - closed in stop()

    def manage(self, *args: str) -> list[str]:
        """`manage.py args` against the stack's servers; its output lines."""
        done = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        )
        return done.stdout.strip().splitlines()

    def start(self) -> Self:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "devserver", "run", *(["--standby"] if self.standby else [])],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 300
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert self.proc.poll() is None, f"the stack exited; see {self.log.name}"
            assert time.monotonic() < deadline, f"the stack was not healthy within 5 minutes; see {self.log.name}"
            time.sleep(1)
        services = subprocess.run(
            [PYTHON, "-m", "devserver", "services"], cwd=ROOT, env=self.env, capture_output=True, text=True
        ).stdout
        for line in services.splitlines():  # the URLs of the running servers, for manage.py
            for name in ("DATABASE_URL", "REDIS_URL"):
                if f"{name}=" in line:
                    self.env[name] = line.split(f"{name}=", 1)[1].strip()
        self.tenant = f"bench{time.time_ns() % 10**9}"
        self.manage("create_tenant", self.tenant)
        self.key = self.manage("create_api_key", "--tenant", self.tenant, "--purposes", self.purposes)[-1].strip()
        token = self.manage("create_officer", f"officer-{self.tenant}")[-1]
        self.token = token.split("token:", 1)[-1].strip()
        return self

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGINT)
        self.proc.wait(120)
        self.log.close()

    def sql(self, statement: str) -> list[str]:
        """The first column of each row, as text."""
        with psycopg.connect(self.env["DATABASE_URL"]) as conn:
            return [str(row[0]) for row in conn.execute(statement).fetchall()]
