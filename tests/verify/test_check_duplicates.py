"""The duplicates check: pylint's duplicate-code finder, pairs spanning both folders only."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from migrator.environment import AppEnvironment
from migrator.verify.base import CheckContext
from migrator.verify.duplicates import DuplicatesCheck, parse_symilar

BLOCK = '''
def upload(client, bucket, key, body):
    response = client.put_object(Bucket=bucket, Key=key, Body=body)
    status = response["ResponseMetadata"]["HTTPStatusCode"]
    if status != 200:
        raise RuntimeError(f"upload failed with {status}")
    metadata = client.head_object(Bucket=bucket, Key=key)
    return metadata["ContentLength"]
'''



def check(**values):
    return DuplicatesCheck.model_validate({"name": "dup", "left": "app", "right": "common", **values})


def test_a_block_copied_from_app_to_common_fails(tmp_path, make_repo, ctx):
    root = make_repo(tmp_path / "t", {
        "app/services/s3.py": "import os\n" + BLOCK,
        "common/storage/s3.py": '"""Storage."""\n\n' + BLOCK,
        "common/other.py": "X = 1\n",
    })
    result = check().run(ctx(root))
    assert not result.passed
    assert result.summary == "1 duplicated block(s) between app/ and common/"
    assert len(result.evidence) == 1
    assert result.evidence[0].startswith("6 lines: app/services/s3.py:4-9 == common/storage/s3.py:5-10")
    assert " == common/storage/s3.py:" in result.evidence[0]
    assert result.commands[0][:3] == [sys.executable, "-m", "pylint.checkers.symilar"]


PYTHON_313 = Path.home() / ".pyenv/versions/3.13.0/bin/python3.13"
GENERIC = "\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n"
"""PEP 695: syntax the migrator's 3.11 cannot parse."""


@pytest.mark.skipif(not PYTHON_313.is_file(), reason="pyenv's Python 3.13.0 is missing")
def test_an_app_on_a_newer_python_is_compared_in_its_interpreter(tmp_path, make_repo):
    root = make_repo(tmp_path / "t", {
        "app/services/s3.py": "import os\n" + BLOCK + GENERIC,
        "common/storage/s3.py": '"""Storage."""\n\n' + BLOCK,
    })
    on_313 = CheckContext(root=root, plan_dir=root,
                          environment=AppEnvironment.of_interpreter(PYTHON_313, "test"))
    result = check().run(on_313)
    assert result.summary == "1 duplicated block(s) between app/ and common/"
    assert result.commands[0][0] == str(PYTHON_313)


def test_without_a_newer_interpreter_such_files_fail_clearly(tmp_path, make_repo, ctx):
    root = make_repo(tmp_path / "t", {"app/x.py": GENERIC, "common/y.py": BLOCK})
    result = check().run(ctx(root))
    assert not result.passed
    assert result.summary == "pylint's duplicate-code finder exited 1"
    assert any("SyntaxError" in line for line in result.evidence)


def test_duplication_inside_one_folder_is_not_reported(tmp_path, make_repo, ctx):
    root = make_repo(tmp_path / "t", {
        "app/a.py": BLOCK,
        "app/b.py": BLOCK,
        "common/c.py": "def other():\n    return 42\n",
    })
    result = check().run(ctx(root))
    assert result.passed, result.evidence
    assert result.summary == "no block of 4+ lines shared by 2 file(s) in app/ and 1 in common/"


def test_min_lines_raises_the_bar(tmp_path, make_repo, ctx):
    root = make_repo(tmp_path / "t", {"app/a.py": BLOCK, "common/c.py": BLOCK})
    # pylint counts 6 lines (the signature is ignored) and reports blocks longer than min_lines
    assert not check(min_lines=5).run(ctx(root)).passed
    assert check(min_lines=6).run(ctx(root)).passed


def test_an_empty_folder_fails_clearly(tmp_path, make_repo, ctx):
    root = make_repo(tmp_path / "t", {"app/a.py": BLOCK})
    result = check().run(ctx(root))
    assert not result.passed and result.summary == "no Python files under common/"


def test_parse_symilar_report():
    report = (
        "\n6 similar lines in 2 files\n==app/a.py:[3:9]\n==common/b.py:[0:6]\n   x = 1\n"
        "TOTAL lines=20 duplicates=6 percent=30.00\n"
    )
    [dup] = parse_symilar(report)
    assert dup.lines == 6 and [str(p) for p in dup.places] == ["app/a.py:4-9", "common/b.py:1-6"]
