"""Alembic integration: where the migration scripts live and which ones are pending.

The project keeps ``alembic.ini`` at its root (the folder holding ``app/`` and
``common/``) and the revisions in ``alembic/versions``. ``alembic/env.py`` takes
the models' metadata from the module named by the ``models_module`` option of
``alembic.ini`` (default ``app.models``), which exposes it as ``Base.metadata``,
``metadata``, or, for Flask-SQLAlchemy models, ``db.metadata`` / ``Model.metadata``.
Where the metadata lives elsewhere, the ``models_metadata`` option names it as
``module:attribute.path`` (e.g. ``app.extensions:db.metadata``); the models
module is still imported first, so that every model registers its table.
"""

import importlib
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODELS_MODULE = "app.models"
# Where a models module keeps its metadata: declarative base, plain, Flask-SQLAlchemy.
METADATA_LOCATIONS = ("Base.metadata", "metadata", "db.metadata", "Model.metadata")


def alembic_config(ini_path: Path | None = None) -> Config:
    """The project's Alembic configuration (``alembic.ini`` at the project root)."""
    path = ini_path or PROJECT_ROOT / "alembic.ini"
    if not path.is_file():
        raise FileNotFoundError(f"Alembic configuration not found: {path}")
    return Config(str(path))


def pending_migrations(connection: Connection, config: Config | None = None) -> list[str]:
    """Revisions between the database's current heads and the scripts' heads, oldest first."""
    script = ScriptDirectory.from_config(config or alembic_config())
    current_heads = set(MigrationContext.configure(connection).get_current_heads())
    applied: set[str] = set()
    for head in current_heads:
        applied.update(rev.revision for rev in script.iterate_revisions(head, "base"))
    pending = [
        revision.revision
        for revision in script.walk_revisions()
        if revision.revision not in applied
    ]
    return list(reversed(pending))


def load_target_metadata(
    models_module: str = DEFAULT_MODELS_MODULE, metadata_location: str | None = None
) -> MetaData:
    """The metadata of the application's models, for autogenerate and ``alembic check``.

    ``metadata_location`` (``module:attribute.path``) says where it is; without it
    the models module is searched at :data:`METADATA_LOCATIONS`.
    """
    module = importlib.import_module(models_module)
    if metadata_location:
        target_module, _, path = metadata_location.partition(":")
        candidates = [(importlib.import_module(target_module), path)]
    else:
        candidates = [(module, path) for path in METADATA_LOCATIONS]
    for owner, path in candidates:
        metadata = _resolve(owner, path)
        if isinstance(metadata, MetaData):
            return metadata
    where = metadata_location or f"{models_module} ({', '.join(METADATA_LOCATIONS)})"
    raise LookupError(f"No SQLAlchemy MetaData at {where}")


def configured_target_metadata(config: Config | None = None) -> MetaData:
    """:func:`load_target_metadata` with the ``models_module`` and ``models_metadata`` options."""
    config = config or alembic_config()
    return load_target_metadata(
        config.get_main_option("models_module") or DEFAULT_MODELS_MODULE,
        config.get_main_option("models_metadata") or None,
    )


def _resolve(owner: object, path: str) -> object:
    value: object = owner
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value
