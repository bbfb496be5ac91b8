"""The draft plan as YAML text, with a comment above every inferred entry.

A small emitter written for this purpose (the YAML libraries we depend on drop comments):
block mappings and lists, flow lists of short scalars, folded long strings, scalars
quoted as JSON strings whenever plain YAML would read them back differently. An entry
with a question is written commented out, line by line, keeping its indentation, so a
human can uncomment it as it stands. Tests load the result with `migrator.plan.load_plan`.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import yaml

from migrator.init.model import DraftPlan, Entry, Section

WIDTH = 100
_SPECIAL = set("#:{}[],&*!|>'\"%@`\\\n\t")


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _plain(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _plain(text: str) -> bool:
    if not text or text != text.strip() or text[0] in "?~" or _SPECIAL & set(text):
        return False
    if text[0] == "-" and (len(text) == 1 or text[1] == " "):
        return False
    try:
        return bool(yaml.safe_load(text) == text)
    except yaml.YAMLError:
        return False


def comment_lines(lines: list[str], indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for line in lines:
        wrapped = textwrap.wrap(line, width=max(WIDTH - indent - 4, 40), break_on_hyphens=False,
                                break_long_words=False) or [""]
        out.append(f"{pad}# {wrapped[0]}")
        out += [f"{pad}#   {more}" for more in wrapped[1:]]
    return out


def commented_out(lines: list[str], indent: int) -> list[str]:
    pad = " " * indent
    return [f"{pad}# {line[indent:]}" if line.startswith(pad) else f"# {line}" for line in lines]


def _flow(items: list[Any]) -> str | None:
    if any(isinstance(i, (dict, list, Entry)) for i in items):
        return None
    return "[" + ", ".join(scalar(i) for i in items) + "]"


def _with_comment(value: Any, lines: list[str], indent: int) -> list[str]:
    if not isinstance(value, Entry):
        return lines
    body = lines if value.active else commented_out(lines, indent)
    return comment_lines(value.comment(), indent) + body


def key_value(key: str, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    inner = value.value if isinstance(value, Entry) else value
    head = f"{pad}{scalar(key)}:"
    if isinstance(inner, dict):
        lines = [head] + mapping(inner, indent + 2) if inner else [f"{head} {{}}"]
    elif isinstance(inner, list):
        flow = _flow(inner)
        if flow is not None and len(head) + 1 + len(flow) <= WIDTH:
            lines = [f"{head} {flow}"]
        else:
            lines = [head] + sequence(inner, indent + 2) if inner else [f"{head} []"]
    elif isinstance(inner, str) and len(head) + len(scalar(inner)) > WIDTH and _foldable(inner):
        body = textwrap.wrap(inner, width=WIDTH - indent - 2, break_on_hyphens=False,
                             break_long_words=False)
        lines = [f"{head} >-"] + [f"{pad}  {line}" for line in body]
    else:
        lines = [f"{head} {scalar(inner)}"]
    return _with_comment(value, lines, indent)


def _foldable(text: str) -> bool:
    return "\n" not in text and text == text.strip() and "  " not in text and text[:1] not in "#>|"


def mapping(values: dict[str, Any], indent: int) -> list[str]:
    lines: list[str] = []
    for key, value in values.items():
        lines += key_value(key, value, indent)
    return lines


def sequence(items: list[Any], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for item in items:
        inner = item.value if isinstance(item, Entry) else item
        if isinstance(inner, dict) and inner:
            body = mapping(inner, indent + 2)
            # the dash goes on the first key that is not a comment (comments may precede it)
            first = next((i for i, line in enumerate(body) if not line.lstrip().startswith("#")), 0)
            body[first] = f"{pad}- {body[first][indent + 2:]}"
        elif isinstance(inner, list):
            body = [f"{pad}- {_flow(inner) or json.dumps(inner)}"]
        else:
            body = [f"{pad}- {scalar(inner)}"]
        lines += _with_comment(item, body, indent)
    return lines


def _sections(sections: list[Section], indent: int) -> list[str]:
    lines: list[str] = []
    for section in sections:
        lines.append("")
        if section.heading:
            lines += comment_lines([section.heading], indent)
        lines += sequence([section.entry], indent)
    return lines


def plan_text(draft: DraftPlan) -> str:
    lines = comment_lines(draft.header, 0)
    lines += key_value("name", draft.name, 0)
    lines += key_value("description", draft.description, 0)
    lines.append("")
    lines += ["steps:"] + _sections(draft.steps, 2) if draft.steps else ["steps: []"]
    if draft.checks:
        lines += ["", "verify:"] + _sections(draft.checks, 2)
    if draft.checklist:
        lines += ["", "# What remains for a human (nothing below runs):"]
        for item in draft.checklist:
            wrapped = textwrap.wrap(item, width=WIDTH - 4, break_on_hyphens=False,
                                    break_long_words=False) or [""]
            lines += [f"# - {wrapped[0]}"] + [f"#   {more}" for more in wrapped[1:]]
    return "\n".join(lines) + "\n"
