"""MIGRATION_PLAN.md is rendered from the plan; a stale copy fails here."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLAN = "migrator/plans/electronics-inventory.yaml"


def test_migration_plan_md_matches_the_plan():
    rendered = subprocess.run(
        [sys.executable, "-m", "migrator", "plan", PLAN, "--format", "markdown"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    committed = (ROOT / "MIGRATION_PLAN.md").read_text(encoding="utf-8")
    assert committed == rendered, (
        "MIGRATION_PLAN.md is stale: run "
        f"`migrate plan {PLAN} --format markdown > MIGRATION_PLAN.md`"
    )


def test_the_plan_names_every_seed_checklist_item():
    text = (ROOT / "MIGRATION_PLAN.md").read_text(encoding="utf-8")
    for item in ("all tests pass", "/health/healthz", "/health/readyz", "/health/drain",
                 "/metrics", "/api/sse/callback", "moto server", "alembic check",
                 "ruff check", "mypy", "no duplicate code", ".copier-answers.yml",
                 ".env.example", "pyproject.toml", "postgres"):
        assert item in text, item
