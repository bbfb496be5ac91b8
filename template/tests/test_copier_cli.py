"""The documented command: ``copier copy template <dir> --defaults --data project_name=demo``."""

import subprocess
import sys
from pathlib import Path

import yaml

from rendering import TEMPLATE_ROOT


def test_copier_cli_with_defaults_produces_a_passing_project(tmp_path: Path) -> None:
    project = tmp_path / "demo"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            str(TEMPLATE_ROOT),
            str(project),
            "--defaults",
            "--data",
            "project_name=demo",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )

    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "demo"
    assert answers["_src_path"] == str(TEMPLATE_ROOT)
    assert {k: answers[k] for k in ("use_database", "use_oidc", "use_s3", "use_sse")} == {
        "use_database": True,
        "use_oidc": False,
        "use_s3": False,
        "use_sse": False,
    }

    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout


def test_invalid_project_name_is_refused(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            str(TEMPLATE_ROOT),
            str(tmp_path / "bad"),
            "--defaults",
            "--data",
            "project_name=Bad Name",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode != 0
    assert "lowercase letters" in completed.stdout + completed.stderr
