"""The draft plan as data: YAML values with the confidence and evidence of each entry.

An `Entry` wraps one mapping value or list item of the plan. `question` set means it is
written commented out, with the question, for a human to decide. Everything else in the
draft is plain YAML data (dicts, lists, strings, numbers, booleans).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Entry:
    value: Any
    confidence: str = ""
    """`high`, `medium`, `low`, `given` or empty (no comment)."""
    evidence: str = ""
    question: str | None = None
    """Set: the entry is written commented out, after this question."""

    @property
    def active(self) -> bool:
        return self.question is None

    def comment(self) -> list[str]:
        lines = []
        if self.question:
            lines.append(f"question: {self.question}")
        if self.confidence or self.evidence:
            head = f"{self.confidence}: " if self.confidence else ""
            lines.append(head + self.evidence)
        return lines


@dataclass
class Section:
    """A block of the plan: one step or check (an `Entry` in a list), under a heading comment."""

    entry: Entry
    heading: str = ""


@dataclass
class DraftPlan:
    name: str
    description: str
    header: list[str]
    steps: list[Section] = field(default_factory=list)
    checks: list[Section] = field(default_factory=list)
    checklist: list[str] = field(default_factory=list)


def plain(value: Any) -> Any:
    """`value` with every active Entry unwrapped and inactive ones dropped (what YAML loads)."""
    if isinstance(value, Entry):
        return plain(value.value) if value.active else None
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if isinstance(item, Entry) and not item.active:
                continue
            result[key] = plain(item)
        return result
    if isinstance(value, list):
        return [plain(item) for item in value if not (isinstance(item, Entry) and not item.active)]
    return value
