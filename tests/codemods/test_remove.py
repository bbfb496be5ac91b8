"""`remove`: what it refuses and what the step report says (issue 10, item 4).

The deletions themselves are before/after cases (`cases/remove/`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.codemods.remove import Remove, RemoveConfig
from migrator.codemods.runner import run_codemods
from migrator.errors import StepFailed
from migrator.steps.base import StepContext
from migrator.steps.codemod import CodemodStep

HELPERS = '''\
import boto3


def make_client():
    return boto3.client("s3")


def test_client_is_made():
    assert make_client()
'''


def test_a_function_the_module_still_uses_is_not_removed(make_repo, tmp_path: Path) -> None:
    root = make_repo(tmp_path / "t", {"tests/test_s3.py": HELPERS})
    remove = Remove(RemoveConfig(symbols=["tests.test_s3.make_client"]), root)
    with pytest.raises(StepFailed) as refused:
        run_codemods(root, [remove], jobs=1)
    assert "make_client is still used in its module ('make_client'" in refused.value.message
    assert (root / "tests/test_s3.py").read_text() == HELPERS


def test_removing_the_user_too_is_fine(make_repo, tmp_path: Path) -> None:
    root = make_repo(tmp_path / "t", {"tests/test_s3.py": HELPERS})
    symbols = ["tests.test_s3.make_client", "tests.test_s3.test_client_is_made"]
    run_codemods(root, [Remove(RemoveConfig(symbols=symbols), root)], jobs=1)
    assert (root / "tests/test_s3.py").read_text().strip() == ""  # the import went too


def test_the_step_report_names_what_is_not_there(make_repo, tmp_path: Path) -> None:
    root = make_repo(tmp_path / "t", {"tests/test_s3.py": HELPERS, "tests/__init__.py": ""})
    step = CodemodStep.model_validate({
        "codemod": "remove",
        "symbols": [
            "tests.test_s3.test_client_is_made",
            "tests.test_s3.test_gone_already",
            "tests.test_missing_module.test_x",
            "tests.test_s3.TestNothing.test_method",
        ],
    })
    ctx = StepContext(root=root, plan_dir=tmp_path, target=root)
    outcome = step.apply(ctx)
    assert outcome.notes == [
        "tests.test_s3.test_gone_already: not found, nothing to remove",
        "tests.test_missing_module.test_x: not found, nothing to remove",
        "tests.test_s3.TestNothing.test_method: not found, nothing to remove",
    ]
    assert outcome.rewrites == {"tests/test_s3.py": {"remove": 1}}
    assert "test_client_is_made" not in (root / "tests/test_s3.py").read_text()
    again = step.apply(ctx)
    assert again.rewrites == {}
