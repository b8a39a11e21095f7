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


def po_entry(lines: list[str]) -> Entry:
    """One entry from its lines (comments, flags, msgctxt, msgid, msgid_plural, msgstr or msgstr[n])."""
    entry, keyed = Entry(), list[tuple[str, str]]()
    for line in lines:
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            key, value = keyed[-1]
            keyed[-1] = (key, value + ast.literal_eval(line))
        else:
            key, _, value = line.partition(" ")
            keyed.append((key, ast.literal_eval(value)))
    for key, value in keyed:
        if key in ("msgid", "msgid_plural", "msgctxt"):
            setattr(entry, key, value)
        elif key == "msgstr":
            entry.msgstr[0] = value
        elif key.startswith("msgstr["):
            entry.msgstr[int(key[7:-1])] = value
    return entry


def po_entries(path: Path) -> list[Entry]:
    """Every entry of the file, its header (msgid "") first."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    lines_of = ([line.strip() for line in block.splitlines() if line.strip()] for block in blocks)
    return [po_entry(lines) for lines in lines_of if lines]
