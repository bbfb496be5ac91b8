"""A device of the fleet."""

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Device(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    config: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
