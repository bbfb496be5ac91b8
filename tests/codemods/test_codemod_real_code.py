"""No false positives on real code: installed packages' sources through `move` and `rename`.

Maps that match nothing (but whose names occur everywhere, so every file is parsed and
transformed) must change nothing; maps that do match must leave every file compiling.
flask and werkzeug are taken whole, sqlalchemy as a fixed sample to keep the suite fast.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import flask
import libcst as cst
import pytest
import sqlalchemy
import werkzeug

from migrator.codemods.base import SourceFile
from migrator.codemods.move import Move, MoveConfig
from migrator.codemods.rename import Rename, RenameConfig
from migrator.codemods.runner import run_codemods

SQLALCHEMY_SAMPLE_EVERY = 8
SQLALCHEMY_MAX_BYTES = 40_000


def _sources() -> list[tuple[Path, str]]:
    """(source file, path in the test tree) for the packages under test."""
    out = []
    for package in (flask, werkzeug):
        base = Path(package.__file__).parent
        out += [
            (p, f"{base.name}/{p.relative_to(base).as_posix()}") for p in sorted(base.rglob("*.py"))
        ]
    base = Path(sqlalchemy.__file__).parent
    small = [p for p in sorted(base.rglob("*.py")) if p.stat().st_size <= SQLALCHEMY_MAX_BYTES]
    out += [
        (p, f"sqlalchemy/{p.relative_to(base).as_posix()}")
        for p in small[::SQLALCHEMY_SAMPLE_EVERY]
    ]
    return out


def _tree(root: Path) -> Path:
    for source, rel in _sources():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return {rel: source.read_bytes() for source, rel in _sources()}


class _ParseEveryFile(Move):
    """`move` without its `ast` pre-check, so that every file reaches the transform."""

    def worth_parsing(self, source: str, file: SourceFile) -> bool:
        return True


@pytest.mark.parametrize("move_class", [Move, _ParseEveryFile], ids=["move", "parse-every-file"])
def test_maps_that_match_nothing_change_nothing(
    tmp_path: Path, originals: dict[str, bytes], move_class: type[Move]
) -> None:
    root = _tree(tmp_path)
    move = move_class(
        MoveConfig(
            moves={
                "elsewhere.helpers": "common.helpers",
                "elsewhere.app.Flask": "common.app.Flask",
                "elsewhere.wrappers.Request": "common.wrappers.Request",
                "elsewhere.orm.session.Session": "common.orm.Session",
                "elsewhere.sql": "common.sql",
            }
        ),
        root,
    )
    rename = Rename(RenameConfig(symbol="elsewhere.app.Flask", to="Application"), root)
    report = run_codemods(root, [move, rename], jobs=2)
    assert report.changed == {}
    if move_class is _ParseEveryFile:
        assert report.files_parsed > len(originals) // 2  # the prefilter let most files through
    for rel, raw in originals.items():
        assert (root / rel).read_bytes() == raw, rel


def test_maps_that_match_leave_every_file_compiling(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    move = Move(
        MoveConfig(
            moves={
                "flask.helpers": "flask.support.helpers",
                "flask.globals.current_app": "flask.context.active_app",
                "werkzeug.wrappers.request.Request": "werkzeug.http_request.HTTPRequest",
                "werkzeug.exceptions": "werkzeug.errors",
                "sqlalchemy.util": "sqlalchemy.support",
                "sqlalchemy.sql.elements.ColumnElement": "sqlalchemy.sql.columns.Column_",
            }
        ),
        root,
    )
    rename = Rename(RenameConfig(symbol="flask.app.Flask", to="FlaskApplication"), root)
    report = run_codemods(root, [move, rename], jobs=2)
    assert len(report.changed) > 40
    assert report.rewrites["move"] > 100 and report.rewrites["rename"] > 5
    for rel in report.changed:
        raw = (root / rel).read_bytes()
        cst.parse_module(raw)
        compile(raw, rel, "exec", dont_inherit=True)
    # a second run over the rewritten tree finds nothing left to do
    assert run_codemods(root, [move, rename], jobs=2).changed == {}
