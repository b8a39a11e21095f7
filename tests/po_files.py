"""A small reader of gettext .po files (what the translation tests check; no gettext tools needed)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plural index (0 without plurals): text
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def _parts(block: list[str]) -> tuple[Entry, list[tuple[str, str]]]:
    entry, keyed, key = Entry(), [], None
    for line in block:
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            keyed[-1] = (key, keyed[-1][1] + ast.literal_eval(line))
        else:
            key, _, value = line.partition(" ")
            keyed.append((key, ast.literal_eval(value)))
    return entry, keyed


def po_entries(path: Path) -> list[Entry]:
    """Every entry of the file, its header (msgid "") first."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        entry, keyed = _parts(lines)
        for key, value in keyed:
            if key == "msgid":
                entry.msgid = value
            elif key == "msgid_plural":
                entry.msgid_plural = value
            elif key == "msgctxt":
                entry.msgctxt = value
            elif key == "msgstr":
                entry.msgstr[0] = value
            elif key.startswith("msgstr["):
                entry.msgstr[int(key[7:-1])] = value
        entries.append(entry)
    return entries
