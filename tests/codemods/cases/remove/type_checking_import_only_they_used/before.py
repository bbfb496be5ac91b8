from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.models import Part
    from common.sse.connection_manager import ConnectionManager


def make_part(name: str) -> Part:
    return Part(name=name)


def make_connection_manager(url: str) -> ConnectionManager:
    from common.sse.connection_manager import ConnectionManager

    return ConnectionManager(url)
