"""The rewrite is semantically right: the rewritten module imports and runs against the new one.

A small package has the old modules and the new ones side by side; after `move` the old
modules are deleted and the rewritten module is imported in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from migrator.codemods.move import Move, MoveConfig
from migrator.codemods.runner import run_codemods

FILES = {
    "app/__init__.py": "",
    "app/services/__init__.py": "",
    "app/services/s3_service.py": "class S3Service:\n    origin = 'old'\n",
    "app/utils/__init__.py": "",
    "app/utils/shutdown_coordinator.py": "LifetimeEvent = 'old'\n",
    "app/utils/flask_error_handlers.py": (
        "def register_error_handlers(app):\n    return 'old'\n\n"
        "def handle_not_found():\n    return 'kept'\n"
    ),
    "common/__init__.py": "",
    "common/storage/__init__.py": "",
    "common/storage/s3_service.py": "import json\n\nclass S3Service:\n    origin = 'new'\n",
    "common/core/__init__.py": "",
    "common/core/shutdown.py": "LifetimeEvent = 'new'\n",
    "common/core/app.py": "def configure_error_handlers(app):\n    return 'new'\n",
    "app/services/documents.py": '''
"""Uses the moved modules in every form."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import app.services.s3_service
from app.utils.flask_error_handlers import handle_not_found, register_error_handlers

from . import s3_service
from .s3_service import S3Service as Storage
from ..utils.shutdown_coordinator import LifetimeEvent

if TYPE_CHECKING:
    from app.services.s3_service import S3Service


def origins(app=None) -> list[str]:
    from app.services.s3_service import S3Service

    def nested(register_error_handlers=lambda a: "shadow"):
        return register_error_handlers(app)

    loaded = importlib.import_module("app.services.s3_service")
    return [
        app_module_origin(),
        s3_service.S3Service.origin,
        Storage.origin,
        S3Service.origin,
        LifetimeEvent,
        register_error_handlers(app),
        nested(),
        handle_not_found(),
        loaded.S3Service.origin,
        hasattr(loaded, "json") and "new" or "old",
    ]


def app_module_origin() -> str:
    return app.services.s3_service.S3Service.origin
''',
}

MOVES = {
    "app.services.s3_service": "common.storage.s3_service",
    "app.utils.shutdown_coordinator": "common.core.shutdown",
    "app.utils.flask_error_handlers.register_error_handlers": "common.core.app.configure_error_handlers",
}


def test_rewritten_module_imports_and_uses_the_new_modules(tmp_path: Path) -> None:
    for rel, content in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content.lstrip("\n"))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)

    report = run_codemods(tmp_path, [Move(MoveConfig(moves=MOVES), tmp_path)], jobs=1)
    assert "app/services/documents.py" in report.changed
    (tmp_path / "app/services/s3_service.py").unlink()
    (tmp_path / "app/utils/shutdown_coordinator.py").unlink()
    (tmp_path / "app/utils/flask_error_handlers.py").write_text(
        "def handle_not_found():\n    return 'kept'\n"
    )

    out = subprocess.run(
        [sys.executable, "-c", "import app.services.documents as d; print(d.origins())"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(["new"] * 5 + ["new", "shadow", "kept", "new", "new"])
