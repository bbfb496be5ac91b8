"""Relational database: engine construction and Alembic migration state."""
