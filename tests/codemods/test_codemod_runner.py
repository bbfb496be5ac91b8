"""The runner: git file listing, prefilter, ordering, all-or-nothing writes, bytes kept, pool."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from migrator.codemods import REGISTRY
from migrator.codemods.move import Move, MoveConfig
from migrator.codemods.rename import Rename, RenameConfig
from migrator.codemods.runner import POOL_THRESHOLD, list_python_files, run_codemods
from migrator.errors import CodemodParseError, StepFailed

S3 = {"app.services.s3_service": "common.storage.s3_service"}


def _repo(root: Path, files: dict[str, bytes | str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def _move(root: Path, moves: dict[str, str] = S3, **extra: object) -> Move:
    return Move(MoveConfig(moves=moves, **extra), root)


def test_lists_tracked_and_untracked_but_not_ignored(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {
            ".gitignore": ".venv/\nbuild_*.py\n",
            "app/a.py": "",
            "app/b.py": "",
            ".venv/lib/x.py": "",
            "build_x.py": "",
            "notes.txt": "",
        },
    )
    subprocess.run(["git", "add", "app/a.py"], cwd=root, check=True)
    assert list_python_files(root) == ["app/a.py", "app/b.py"]


def test_rewrites_and_reports_per_file(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {
            "app/a.py": "from app.services.s3_service import S3Service\n",
            "app/b.py": "import os\n",
            "app/c.py": "# s3_service is mentioned but not imported\n",
            ".venv/ignored.py": "from app.services.s3_service import S3Service\n",
            ".gitignore": ".venv/\n",
        },
    )
    report = run_codemods(root, [_move(root)], jobs=1)
    assert report.changed == {"app/a.py": {"move": 1}}
    assert report.files_seen == 3
    # b.py has no substring of the moves; c.py only a comment, ruled out on Python's ast
    assert report.files_parsed == 1
    assert (root / "app/a.py").read_text() == "from common.storage.s3_service import S3Service\n"
    assert "app.services" in (root / ".venv/ignored.py").read_text()


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"app/a.py": "from app.services.s3_service import S3Service\n"})
    report = run_codemods(root, [_move(root)], write=False, jobs=1)
    assert list(report.changed) == ["app/a.py"]
    assert "app.services" in (root / "app/a.py").read_text()


def test_parse_error_fails_before_anything_is_written(tmp_path: Path) -> None:
    good = "from app.services.s3_service import S3Service\n"
    root = _repo(
        tmp_path,
        {
            "app/a.py": good,
            "app/broken.py": "from app.services.s3_service import S3Service\n\ndef f(:\n    pass\n",
            "app/z.py": good,
        },
    )
    with pytest.raises(CodemodParseError) as info:
        run_codemods(root, [_move(root)], jobs=1)
    assert str(info.value).startswith("app/broken.py:3: cannot parse")
    assert (root / "app/a.py").read_text() == good
    assert (root / "app/z.py").read_text() == good


def test_broken_file_that_cannot_match_is_not_parsed(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {
            "app/a.py": "from app.services.s3_service import S3Service\n",
            "app/broken.py": "def f(:\n",
        },
    )
    report = run_codemods(root, [_move(root)], jobs=1)
    assert list(report.changed) == ["app/a.py"]


def test_crlf_and_declared_encoding_kept(tmp_path: Path) -> None:
    latin = (
        "# -*- coding: latin-1 -*-\nfrom app.services.s3_service import S3Service\nNAME = 'café'\n"
    )
    root = _repo(
        tmp_path,
        {
            "app/crlf.py": b"import os\r\nfrom app.services.s3_service import S3Service\r\n",
            "app/latin.py": latin.encode("latin-1"),
        },
    )
    run_codemods(root, [_move(root)], jobs=1)
    # the moved import is third party (no common/ in this tree): a section of its own
    assert (root / "app/crlf.py").read_bytes() == (
        b"import os\r\n\r\nfrom common.storage.s3_service import S3Service\r\n"
    )
    assert (root / "app/latin.py").read_bytes() == latin.replace(
        "app.services.s3_service", "common.storage.s3_service"
    ).encode("latin-1")


def test_later_codemod_sees_earlier_output(tmp_path: Path) -> None:
    """The rename's prefilter only matches after the move wrote `ServiceContainer`."""
    root = _repo(
        tmp_path,
        {
            "app/api.py": "from app.legacy import Services\n\ncontainer = Services()\n",
        },
    )
    move = _move(root, {"app.legacy.Services": "app.container.ServiceContainer"})
    rename = Rename(RenameConfig(symbol="app.container.ServiceContainer", to="AppContainer"), root)
    report = run_codemods(root, [move, rename], jobs=1)
    assert (root / "app/api.py").read_text() == (
        "from app.container import AppContainer\n\ncontainer = AppContainer()\n"
    )
    assert report.changed == {"app/api.py": {"move": 2, "rename": 2}}


def test_files_globs_limit_the_codemod(tmp_path: Path) -> None:
    line = "from app.services.s3_service import S3Service\n"
    root = _repo(tmp_path, {"app/a.py": line, "tests/unit/test_a.py": line})
    report = run_codemods(root, [_move(root, files=["tests/**/*.py"])], jobs=1)
    assert list(report.changed) == ["tests/unit/test_a.py"]


def test_process_pool_gives_the_same_result(tmp_path: Path) -> None:
    files = {
        f"app/m{i:03}.py": (
            f"from app.services.s3_service import S3Service\n\nX{i} = S3Service\n"
            if i % 3 == 0
            else f"# s3_service mentioned {i}\nimport os\n"
        )
        for i in range(POOL_THRESHOLD * 2)
    }
    pooled = _repo(tmp_path / "pooled", files)
    serial = _repo(tmp_path / "serial", files)
    a = run_codemods(pooled, [_move(pooled)], jobs=2)
    b = run_codemods(serial, [_move(serial)], jobs=1)
    assert a.changed == b.changed and len(a.changed) == len(range(0, len(files), 3))
    for rel in files:
        assert (pooled / rel).read_bytes() == (serial / rel).read_bytes()


def test_plan_step_call_shape(tmp_path: Path) -> None:
    """The `codemod` step builds codemods as `REGISTRY[name](Config(**params), root)`."""
    root = _repo(
        tmp_path,
        {
            "app/config.py": "from pydantic_settings import BaseSettings\n\n\n"
            "class Settings(BaseSettings):\n    X: int = 1\n"
        },
    )
    cls = REGISTRY["rebase"]
    codemod = cls(
        cls.Config(
            **{"class": "app.config.Settings", "bases": ["common.core.settings.CommonSettings"]}
        ),
        root=root,
    )
    report = run_codemods(root, [codemod])
    assert report.changed == {"app/config.py": {"rebase": 1}}
    assert "class Settings(CommonSettings):" in (root / "app/config.py").read_text()


def test_a_codemod_crash_names_the_file_and_writes_nothing(tmp_path: Path) -> None:
    class Exploding(Move):
        def transform(self, module, file):  # type: ignore[no-untyped-def]
            if file.path == "app/b.py":
                raise RuntimeError("boom")
            return super().transform(module, file)

    line = "from app.services.s3_service import S3Service\n"
    root = _repo(tmp_path, {"app/a.py": line, "app/b.py": line})
    with pytest.raises(StepFailed, match=r"^app/b.py: codemod move failed: RuntimeError\('boom'\)"):
        run_codemods(root, [Exploding(MoveConfig(moves=S3), root)], jobs=1)
    assert (root / "app/a.py").read_text() == line


REEXPORTING_TREE = {
    "svc/__init__.py": "from .di import Services\n\n__all__ = [\"Services\"]\n",
    "svc/di.py": "class Services:\n    pass\n",
    "svc/infra/__init__.py": "from .blobstore import BlobStore\n\n__all__ = [\"BlobStore\"]\n",
    "svc/infra/blobstore.py": "class BlobStore:\n    pass\n",
    "svc/infra/fallback.py": (
        "try:\n    from svc.infra.blobstore import BlobStore\nexcept ImportError:\n"
        "    BlobStore = None\n"
    ),
    "svc/web.py": (
        "from svc import Services\nfrom svc.infra import BlobStore\nfrom svc.infra.fallback import "
        "BlobStore as Maybe\n\nSTORE, CONTAINER, MAYBE = BlobStore(), Services(), Maybe\n"
    ),
    "test_web.py": ('from unittest import mock\n\nPATCH = mock.patch("svc.infra.BlobStore")\n'
                    'WHERE_USED = mock.patch("svc.web.BlobStore")\n'),
}


def test_a_renamed_symbol_a_package_re_exports_moves_for_its_importers(tmp_path: Path) -> None:
    """`svc.infra` re-exports BlobStore; once its import says S3Service, `svc.infra.BlobStore`
    is `svc.infra.S3Service`, so what imported or patched it there follows (and a patch
    where it is used, `svc.web.BlobStore`, follows the name svc.web now binds). A module
    that binds the name again, as fallback.py does, re-exports something else: left alone."""
    root = _repo(tmp_path, {**REEXPORTING_TREE, "common/__init__.py": "",
                            "common/storage/__init__.py": "",
                            "common/storage/s3_service.py": "class S3Service:\n    pass\n"})
    move = _move(root, {"svc.infra.blobstore.BlobStore": "common.storage.s3_service.S3Service"})
    rename = Rename(RenameConfig(symbol="svc.di.Services", to="AppContainer"), root)
    run_codemods(root, [move, rename], jobs=1)

    assert (root / "svc/web.py").read_text() == (
        "from svc import AppContainer\nfrom svc.infra import S3Service\n"
        "from svc.infra.fallback import BlobStore as Maybe\n\n"
        "STORE, CONTAINER, MAYBE = S3Service(), AppContainer(), Maybe\n")
    assert (root / "test_web.py").read_text() == (
        'from unittest import mock\n\nPATCH = mock.patch("svc.infra.S3Service")\n'
        'WHERE_USED = mock.patch("svc.web.S3Service")\n')
    checked = subprocess.run(["python", "-c", "import svc.web"], cwd=root, capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 0, checked.stderr
