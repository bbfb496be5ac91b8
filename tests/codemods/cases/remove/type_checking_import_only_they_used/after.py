from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.models import Part


def make_part(name: str) -> Part:
    return Part(name=name)
