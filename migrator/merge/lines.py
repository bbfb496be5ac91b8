"""Line-based merge (`.gitignore` and the like): the app's lines, then the template's new ones.

The template is read in paragraphs (runs of lines between blank lines). An entry carries
the comment lines right above it; a paragraph of comments only (a section header) is
carried along when the paragraph after it adds something (except the file's opening
comment, which describes the template's file). Entries the app already has are
not repeated, so merging twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class Merged:
    """A merge's result text and the entries it added (for the step's outcome)."""

    text: str
    added: list[str] = field(default_factory=list)


EntryKey = Callable[[str], str | None]
"""The identity of a line (a variable name, a pattern), or None for comments and blanks."""


def _paragraphs(lines: Iterable[str]) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def merge_entries(app_text: str, template_text: str, key: EntryKey) -> Merged:
    """Append to `app_text` the template's entries whose key the app lacks, with comments."""
    newline = "\r\n" if "\r\n" in app_text else "\n"
    present = {k for line in app_text.splitlines() if (k := key(line)) is not None}
    blocks: list[list[str]] = []
    added: list[str] = []
    header: list[str] | None = None
    for index, paragraph in enumerate(_paragraphs(template_text.splitlines())):
        entries: list[tuple[list[str], str, str]] = []
        comments: list[str] = []
        for line in paragraph:
            k = key(line)
            if k is None:
                comments.append(line)
            else:
                entries.append((comments, line, k))
                comments = []
        if not entries:
            # the file's opening comments describe the template's file, not a section
            header = paragraph if index else None
            continue
        block: list[str] = []
        for above, line, k in entries:
            if k in present:
                continue
            present.add(k)
            added.append(k)
            block.extend(above)
            block.append(line)
        if block:
            if header is not None:
                blocks.append(header)
            blocks.append(block)
        header = None
    if not blocks:
        return Merged(app_text, [])
    text = app_text
    if text and not text.endswith(("\n", "\r")):
        text += newline
    chunks = [newline.join(block) + newline for block in blocks]
    text = (text + newline if text.strip() else "") + newline.join(chunks)
    return Merged(text, added)


def _line_key(line: str) -> str | None:
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    return stripped


def merge_lines(app_text: str, template_text: str) -> Merged:
    """Union of lines in order: the app's file, then the template's lines it lacks."""
    return merge_entries(app_text, template_text, _line_key)
