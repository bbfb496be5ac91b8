"""Structured merges of an app's file with the template's version of it.

Each merge keeps everything the app has (its values win), adds what only the template
has, and keeps comments and order. `MERGERS` maps the plan's merge kind to its function.
"""

from __future__ import annotations

from collections.abc import Callable

from migrator.merge.dotenv import merge_dotenv
from migrator.merge.lines import Merged, merge_lines
from migrator.merge.toml import merge_pyproject

MERGERS: dict[str, Callable[[str, str], Merged]] = {
    "toml": merge_pyproject,
    "dotenv": merge_dotenv,
    "lines": merge_lines,
}

__all__ = ["MERGERS", "Merged", "merge_dotenv", "merge_lines", "merge_pyproject"]
