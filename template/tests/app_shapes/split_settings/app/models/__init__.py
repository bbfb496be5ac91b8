"""Models (Flask-SQLAlchemy); importing this package registers their tables on db.metadata."""

from app.models.device import Device

__all__ = ["Device"]
