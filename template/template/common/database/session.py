"""SQLAlchemy engine construction from the settings.

Pool sizing applies to server databases (PostgreSQL); SQLite uses SQLAlchemy's
defaults and gets foreign keys switched on for every connection, so SQLite behaves
like the production database for cascades and constraints.
``SQLALCHEMY_ENGINE_OPTIONS`` goes to ``create_engine`` last, so tests can inject a
``poolclass`` or a ``creator``.
"""

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from common.core.settings import adapt_settings


def engine_options(settings: object) -> dict[str, Any]:
    """Keyword arguments for ``create_engine`` derived from the settings (of any design)."""
    common = adapt_settings(settings)
    options: dict[str, Any] = {"echo": common.SQLALCHEMY_ECHO}
    custom_pool = "poolclass" in common.SQLALCHEMY_ENGINE_OPTIONS
    if make_url(common.DATABASE_URL).get_backend_name() != "sqlite" and not custom_pool:
        options.update(
            pool_size=common.DB_POOL_SIZE,
            max_overflow=common.DB_POOL_MAX_OVERFLOW,
            pool_timeout=common.DB_POOL_TIMEOUT,
            pool_pre_ping=True,
        )
    options.update(common.SQLALCHEMY_ENGINE_OPTIONS)
    return options


def build_engine(settings: object) -> Engine:
    """The engine for ``DATABASE_URL``."""
    common = adapt_settings(settings)
    engine = create_engine(common.DATABASE_URL, **engine_options(common))
    enable_sqlite_foreign_keys(engine)
    return engine


def enable_sqlite_foreign_keys(engine: Engine) -> None:
    """Switch foreign keys on for every new connection of a SQLite engine (idempotent)."""
    if engine.dialect.name == "sqlite" and not event.contains(
        engine, "connect", _enable_sqlite_foreign_keys
    ):
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores FOREIGN KEY clauses unless each connection opts in.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
