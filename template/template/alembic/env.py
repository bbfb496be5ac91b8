"""Alembic environment: migrate the database named by the settings' ``DATABASE_URL``.

A caller that already holds a connection (tests, the app) passes it as
``config.attributes["connection"]``; ``sqlalchemy.url`` in the config, when set,
wins over the settings.
"""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from common.core.settings import CommonSettings
from common.database.migrations import configured_target_metadata
from common.database.session import build_engine

config = context.config

if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = configured_target_metadata(config)


def _settings() -> CommonSettings:
    settings = CommonSettings()
    url = config.get_main_option("sqlalchemy.url")
    if url:
        settings = settings.model_copy(update={"DATABASE_URL": url})
    return settings


def _run_with_connection(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit the SQL instead of running it (``alembic upgrade --sql``)."""
    context.configure(
        url=_settings().DATABASE_URL,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations over a live connection."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with_connection(connection)
        return
    engine = build_engine(_settings())
    try:
        with engine.connect() as new_connection:
            _run_with_connection(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
