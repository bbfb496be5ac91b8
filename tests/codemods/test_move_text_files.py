"""`move` with `text_files`: dotted names in non-Python files move too (issue 10, item 4).

By whole dotted segments with the same rules as in Python strings (`module:attr`
included), in the files the globs name and no others; a longer name that starts with an
old one, a path or a URL is left alone.
"""

from __future__ import annotations

from pathlib import Path

from migrator.codemods.move import Move, MoveConfig
from migrator.codemods.runner import run_codemods
from migrator.steps.base import StepContext
from migrator.steps.codemod import CodemodStep

MOVES = {
    "app.api.health": "common.health.routes",
    "app.services.s3_service": "common.storage.s3_service",
    "app.utils.flask_error_handlers.register_error_handlers": (
        "common.core.app.configure_error_handlers"
    ),
}

PYPROJECT = """\
[tool.poetry.scripts]
health-check = "app.api.health:main"
inventory = "app.cli:main"

[tool.coverage.run]
omit = ["app/api/health.py"]

[tool.mypy.overrides]
module = ["app.services.s3_service", "app.services.s3_service_extra"]
"""

SETUP_CFG = """\
[options.entry_points]
console_scripts =
    handlers = app.utils.flask_error_handlers:register_error_handlers
    not_found = app.utils.flask_error_handlers:handle_not_found
"""

GUIDE = """\
# Health

The routes live in `app.api.health` (see `app/api/health.py`), served at `/health`
and https://example.com/app.api.health; `app.api.healthcheck` is another module.
Patch `app.services.s3_service.boto3.client` in tests; run
`waitress-serve --call app.api.health:create_app`.
"""


def _tree(make_repo, root: Path) -> Path:
    return make_repo(root, {
        "pyproject.toml": PYPROJECT,
        "setup.cfg": SETUP_CFG,
        "docs/guide/health.md": GUIDE,
        "README.md": "Health checks: app.api.health\n",
        "app/__init__.py": "",
        "app/uses.py": 'TARGET = "app.api.health:health_bp"\n',
    })


def test_the_globbed_text_files_move_by_whole_segments(make_repo, tmp_path: Path) -> None:
    root = _tree(make_repo, tmp_path / "t")
    move = Move(
        MoveConfig(moves=MOVES, text_files=["pyproject.toml", "*.cfg", "docs/**/*.md"]), root
    )
    report = run_codemods(root, [move], jobs=1)

    assert (root / "pyproject.toml").read_text() == PYPROJECT.replace(
        '"app.api.health:main"', '"common.health.routes:main"'
    ).replace('["app.services.s3_service",', '["common.storage.s3_service",')
    assert (root / "setup.cfg").read_text() == SETUP_CFG.replace(
        "app.utils.flask_error_handlers:register_error_handlers",
        "common.core.app:configure_error_handlers",
    )
    assert (root / "docs/guide/health.md").read_text() == GUIDE.replace(
        "`app.api.health`", "`common.health.routes`"
    ).replace(
        "`app.services.s3_service.boto3.client`", "`common.storage.s3_service.boto3.client`"
    ).replace("app.api.health:create_app", "common.health.routes:create_app")
    assert (root / "README.md").read_text() == "Health checks: app.api.health\n"  # not globbed
    assert (root / "app/uses.py").read_text() == 'TARGET = "common.health.routes:health_bp"\n'
    assert report.changed == {
        "app/uses.py": {"move": 1},
        "docs/guide/health.md": {"move": 3},
        "pyproject.toml": {"move": 2},
        "setup.cfg": {"move": 1},
    }


def test_text_files_are_opt_in_and_a_second_run_changes_nothing(
    make_repo, tmp_path: Path
) -> None:
    root = _tree(make_repo, tmp_path / "t")
    run_codemods(root, [Move(MoveConfig(moves=MOVES), root)], jobs=1)
    assert (root / "pyproject.toml").read_text() == PYPROJECT

    move = Move(MoveConfig(moves=MOVES, text_files=["**/*.md", "pyproject.toml"]), root)
    run_codemods(root, [move], jobs=1)
    again = run_codemods(root, [move], jobs=1)
    assert again.changed == {}
    assert "common.health.routes:main" in (root / "pyproject.toml").read_text()


def test_a_file_that_is_not_utf8_is_left_alone(make_repo, tmp_path: Path) -> None:
    root = make_repo(tmp_path / "t", {"notes.cfg": "x"})
    (root / "notes.cfg").write_bytes("app.api.health caf\xe9\n".encode("latin-1"))
    move = Move(MoveConfig(moves=MOVES, text_files=["*.cfg"]), root)
    assert run_codemods(root, [move], jobs=1).changed == {}


def test_dry_run_preview_lists_text_files(make_repo, tmp_path: Path) -> None:
    root = _tree(make_repo, tmp_path / "t")
    step = CodemodStep.model_validate(
        {"codemod": "move", "moves": MOVES, "text_files": ["setup.cfg"]}
    )
    outcome = step.preview(StepContext(root=root, plan_dir=tmp_path, target=root))
    assert outcome.rewrites == {"app/uses.py": {"move": 1}, "setup.cfg": {"move": 1}}
    assert (root / "setup.cfg").read_text() == SETUP_CFG
