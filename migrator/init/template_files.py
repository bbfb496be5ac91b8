"""The copier step's lists: what happens to each rendered file the app already has.

- the same bytes on both sides: nothing to decide;
- app scaffolding (the template's `_skip_if_exists`: files it generates once for a new
  app, which the app then owns) that the app has in its own version: `skip`;
- pyproject.toml and other TOML, `.env.example`-style files, `.gitignore`-style files:
  `merge` with the `toml`, `dotenv` or `lines` strategy, so the app keeps its entries;
- anything else: a commented-out `skip` entry with the question (keep the app's version,
  or let the template's replace it?).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from migrator.init.render import matches

_LINE_FILES = (".gitignore", ".dockerignore", ".gitattributes", ".npmignore")


@dataclass(frozen=True)
class FileDecision:
    path: str
    action: str
    """`skip`, `merge` or `question`."""
    merge: str | None
    evidence: str


def merge_kind(path: str) -> str | None:
    name = path.rpartition("/")[2]
    if name.endswith(".toml"):
        return "toml"
    if name.startswith(".env") or name.endswith(".env.example"):
        return "dotenv"
    if name in _LINE_FILES:
        return "lines"
    return None


def decide_files(app_root: Path, rendered_root: Path, rendered: set[str], scaffolding: list[str],
                 answers_file: str) -> tuple[list[FileDecision], list[str]]:
    """The decisions for rendered files the app has, and the files that are identical."""
    decisions: list[FileDecision] = []
    identical: list[str] = []
    for path in sorted(rendered):
        mine = app_root / path
        if path == answers_file or not mine.is_file():
            continue
        theirs = (rendered_root / path).read_bytes()
        if mine.read_bytes() == theirs:
            identical.append(path)
            continue
        kind = merge_kind(path)
        if kind is not None:
            decisions.append(FileDecision(path, "merge", kind, f"the app has its own {path}: merged "
                                          f"({kind}) so it keeps its entries and gains the template's"))
        elif matches(path, scaffolding):
            decisions.append(FileDecision(path, "skip", None, "app scaffolding the template generates "
                                          "once (_skip_if_exists); the app has its own"))
        else:
            decisions.append(FileDecision(path, "question", None, "the app has its own version, "
                                          "which differs from the template's"))
    return decisions, identical
