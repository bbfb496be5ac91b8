"""Each plan's rendered document (MIGRATION_PLAN*.md) matches the plan; a stale copy fails."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = {  # the rendered document -> the plan it is rendered from
    "MIGRATION_PLAN.md": "migrator/plans/electronics-inventory.yaml",
    "MIGRATION_PLAN.iot-support.md": "migrator/plans/iot-support.yaml",
}


@pytest.mark.parametrize(("document", "plan"), DOCUMENTS.items())
def test_migration_plan_document_matches_the_plan(document: str, plan: str) -> None:
    rendered = subprocess.run(
        [sys.executable, "-m", "migrator", "plan", plan, "--format", "markdown"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    committed = (ROOT / document).read_text(encoding="utf-8")
    assert committed == rendered, (
        f"{document} is stale: run `migrate plan {plan} --format markdown > {document}`"
    )


def test_the_plan_names_every_seed_checklist_item():
    text = (ROOT / "MIGRATION_PLAN.md").read_text(encoding="utf-8")
    for item in ("all tests pass", "/health/healthz", "/health/readyz", "/health/drain",
                 "/metrics", "/api/sse/callback", "moto server", "alembic check",
                 "ruff check", "mypy", "no duplicate code", ".copier-answers.yml",
                 ".env.example", "pyproject.toml", "postgres"):
        assert item in text, item


def test_the_iot_plan_names_every_checklist_item_of_issue_12():
    text = (ROOT / "MIGRATION_PLAN.iot-support.md").read_text(encoding="utf-8")
    for item in ("all tests pass", "postgres", "alembic, upgrade, head", "alembic check",
                 "ruff check", "mypy", "/health/healthz", "/health/readyz", "/api/health",
                 "/metrics", "/health/drain", "admin.header", "status: 401",
                 "viewer.header", "status: 403", "no reference to a deleted module",
                 "no duplicate code", ".copier-answers.yml", ".env.example", "pyproject.toml",
                 "container wiring"):
        assert item in text, item


@pytest.mark.parametrize("plan", DOCUMENTS.values())
def test_the_plan_sorts_no_imports_by_hand(plan: str) -> None:
    """The codemods put imports where the project's isort settings want them (issue 10)."""
    steps = yaml.safe_load((ROOT / plan).read_text(encoding="utf-8"))["steps"]
    commands = [step["command"] for step in steps if "command" in step]
    assert commands, "the plan still formats with a command step"
    assert not [argv for argv in commands if "--fix" in argv or "isort" in argv], commands
