"""Database wiring: per-request sessions, the Alembic migration state, the models' metadata."""

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from alembic import command
from flask.testing import FlaskClient
from sqlalchemy import Engine, MetaData, create_engine, text
from sqlalchemy.pool import StaticPool

from common.core.app import App
from common.core.container import CommonContainer
from common.core.settings import CommonSettings
from common.database.migrations import (
    alembic_config,
    configured_target_metadata,
    load_target_metadata,
    pending_migrations,
)
from common.database.session import build_engine

REVISION = '''"""create widget"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("widget", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("widget")
'''


@pytest.fixture
def notes_app(common_app: App, common_container: CommonContainer) -> App:
    """The common app with a notes table and two routes that write to it."""
    with common_app.app_context():
        session = common_container.db_session()
        session.execute(text("CREATE TABLE note (body TEXT NOT NULL)"))
        session.commit()

    @common_app.post("/notes/<body>")
    def add_note(body: str) -> dict[str, str]:
        common_container.db_session().execute(text("INSERT INTO note VALUES (:b)"), {"b": body})
        return {"body": body}

    @common_app.post("/notes-then-fail/<body>")
    def add_note_then_fail(body: str) -> dict[str, str]:
        common_container.db_session().execute(text("INSERT INTO note VALUES (:b)"), {"b": body})
        raise RuntimeError("after the insert")

    return common_app


def note_bodies(app: App) -> list[str]:
    with app.app_context():
        rows = app.container.db_session().execute(text("SELECT body FROM note ORDER BY body"))
        return [row[0] for row in rows]


def test_request_session_commits_on_success_and_rolls_back_on_error(notes_app: App) -> None:
    client: FlaskClient = notes_app.test_client()
    assert client.post("/notes/kept").status_code == 200
    assert client.post("/notes-then-fail/dropped").status_code == 500
    assert note_bodies(notes_app) == ["kept"]


def test_pending_migrations_until_upgraded(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "0001_create_widget.py").write_text(REVISION)
    config = alembic_config()
    config.set_main_option("version_locations", str(versions))
    config.attributes["configure_logger"] = False

    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    with engine.connect() as connection:
        assert pending_migrations(connection, config) == ["0001"]
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        assert pending_migrations(connection, config) == []
        assert connection.execute(text("SELECT count(*) FROM widget")).scalar_one() == 0
    engine.dispose()


def test_project_has_no_pending_migrations_on_a_fresh_schema(migration_engine: Engine) -> None:
    """The project's own revisions, on the kind of database they are written for."""
    with migration_engine.begin() as connection:
        config = alembic_config()
        config.attributes["configure_logger"] = False
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        assert pending_migrations(connection, config) == []


def test_models_metadata_is_found() -> None:
    """The metadata alembic.ini points at (models_module, models_metadata) exists."""
    assert isinstance(configured_target_metadata(), MetaData)


@pytest.fixture
def models_module() -> Iterator[Callable[..., str]]:
    """Register a throwaway models module with the given attributes; yields a factory."""
    names: list[str] = []

    def make(**attributes: object) -> str:
        name = f"common_test_models_{len(names)}"
        module = ModuleType(name)
        vars(module).update(attributes)
        sys.modules[name] = module
        names.append(name)
        return name

    yield make
    for name in names:
        sys.modules.pop(name, None)


def test_metadata_of_a_declarative_base_or_a_flask_sqlalchemy_db(
    models_module: Callable[..., str],
) -> None:
    declarative, flask_sqlalchemy, plain = MetaData(), MetaData(), MetaData()
    base = models_module(Base=SimpleNamespace(metadata=declarative))
    db = models_module(db=SimpleNamespace(metadata=flask_sqlalchemy))
    bare = models_module(metadata=plain)
    assert load_target_metadata(base) is declarative
    assert load_target_metadata(db) is flask_sqlalchemy
    assert load_target_metadata(bare) is plain


def test_metadata_named_by_location(models_module: Callable[..., str]) -> None:
    metadata = MetaData()
    models = models_module()
    extensions = models_module(db=SimpleNamespace(metadata=metadata))
    assert load_target_metadata(models, f"{extensions}:db.metadata") is metadata
    with pytest.raises(LookupError, match="No SQLAlchemy MetaData"):
        load_target_metadata(models)


def test_sqlite_connections_enforce_foreign_keys(
    make_settings: Callable[..., CommonSettings],
) -> None:
    engine = build_engine(make_settings(DATABASE_URL="sqlite://"))
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_an_engine_the_app_already_has_is_used(common_settings: CommonSettings) -> None:
    """Flask-SQLAlchemy apps pass ``db.engine``: the sessions use it, no second engine."""
    from common.core.app import configure_database, create_base_app

    engine = create_engine("sqlite://")
    app = create_base_app(common_settings)
    session_maker = configure_database(app, common_settings, engine=engine)
    assert app.extensions["sqlalchemy_engine"] is engine
    with session_maker() as session:
        assert session.get_bind() is engine
        # SQLite behaves like the production database: foreign keys are enforced.
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
