"""Merge of dotenv files (`.env.example`): add the template's variables the app lacks.

A variable counts as present when the app assigns it or documents it commented out
(`# NAME=value`); the app's values are never changed. Added variables keep the comment
lines written right above them in the template, and their section header comments.
"""

from __future__ import annotations

import re

from migrator.merge.lines import Merged, merge_entries

_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
_COMMENTED_ASSIGNMENT = re.compile(r"^\s*#\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=")


def dotenv_variable(line: str) -> str | None:
    """The variable a line assigns (also when commented out), else None."""
    match = _ASSIGNMENT.match(line) or _COMMENTED_ASSIGNMENT.match(line)
    return match.group(1) if match else None


def dotenv_variables(text: str) -> list[str]:
    """Every variable a dotenv file assigns or documents, in order."""
    return [name for line in text.splitlines() if (name := dotenv_variable(line))]


def merge_dotenv(app_text: str, template_text: str) -> Merged:
    """The app's dotenv file plus the template's variables it lacks, with their comments."""
    return merge_entries(app_text, template_text, dotenv_variable)
