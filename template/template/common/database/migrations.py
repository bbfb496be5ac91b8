"""Alembic integration: where the migration scripts live and which ones are pending.

The project keeps ``alembic.ini`` at its root (the folder holding ``app/`` and
``common/``) and the revisions in ``alembic/versions``. ``alembic/env.py`` takes
the models' metadata from the module named by the ``models_module`` option of
``alembic.ini`` (default ``app.models``), which must expose ``Base`` or ``metadata``.
"""

import importlib
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODELS_MODULE = "app.models"


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


def load_target_metadata(models_module: str = DEFAULT_MODELS_MODULE) -> MetaData:
    """The metadata of the application's models, for autogenerate and ``alembic check``."""
    module = importlib.import_module(models_module)
    base = getattr(module, "Base", None)
    metadata = getattr(base, "metadata", None) or getattr(module, "metadata", None)
    if not isinstance(metadata, MetaData):
        raise LookupError(f"{models_module} exposes neither Base.metadata nor metadata")
    return metadata
