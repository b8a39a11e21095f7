"""The README's quickstart ("API in brief") as a new client developer runs it: the shell block extracted from the
README and run twice, as written, against the Procfile's stack (gunicorn, a Celery worker, beat, the sequencer)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from core.audit import Actor
from core.officers import officer_create
from tests import factories

pytestmark = [pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[1]


def quickstart() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## API in brief\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```bash\n(.*?)```", section, re.S).group(1)


def _answers(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_the_readme_quickstart_runs_as_written_twice(procfile_stack):
    base_url, _ = procfile_stack
    _, key = factories.api_key_created(factories.tenant_created("demo"))
    _, _, token = officer_create(username="officer", actor=Actor.system("tests"))
    env = {"KEY": key, "TOKEN": token, "API": f"{base_url}/api/v1", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    script = quickstart()
    assert "set -euo pipefail" in script and "--fail-with-body" in script
    subjects = set()
    for run in (1, 2):
        done = subprocess.run(
            ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )  # fmt: skip
        assert done.returncode == 0, f"run {run} failed:\n{done.stdout}\n{done.stderr}"
        answers = _answers(done.stdout)
        enrollments = [a for a in answers if "template_id" in a and "subject_id" in a]
        assert [e["status"] for e in enrollments] == ["done", "done"], enrollments
        subject = enrollments[0]["subject_id"]
        subjects.add(subject)
        first, second = [a for a in answers if a.get("purpose") == "fraud_prevention" and "results" in a]
        assert [r["subject_id"] for r in first["results"]] == [subject]  # named before the withdrawal
        assert subject not in [r["subject_id"] for r in second["results"]]  # and no longer after it
        assert any(a.get("match") is True for a in answers)  # the 1:1 check, under its own consent
        assert any(a.get("lifted_at") for a in answers), answers  # the order is lifted at the end
        assert "/portal/c/" in done.stdout
    assert len(subjects) == 2
