"""Benchmark `rename` on a tree shaped like the customer's container (issue 10, item 6).

    .venv/bin/python bench/rename.py            # 55 API modules, 550 Provide[...] references
    .venv/bin/python bench/rename.py --repeat 5 # best of 5 (the machine is shared)

The tree: `app/container.py` with a `ServiceContainer(containers.DeclarativeContainer)` of
45 providers; API modules whose endpoints take their services as `@inject`ed defaults,
`Provide[ServiceContainer.<name>]`, some of them also through decorators
(`@requires(Provide[ServiceContainer.auth_service])`), as the real app's 55 files and 541
references do (FACTS.md); tests that build the container; and as many modules again
that never mention it. The rename is the plan's: `app.container.ServiceContainer` ->
`AppContainer`, run as the `codemod` plan step (registry, runner, git listing,
prefilter, pool, writes).

Timed against the lower bound of any LibCST rewrite: reading and `libcst.parse_module` of
just the files that mention the name, in one process and in a pool of 2. The target is
ours / parse-only <= 2x. Prints the times, the ratios, and a check that every reference
was renamed and every rewritten file still compiles.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from codemods import run_parse_only  # bench/codemods.py: the same lower bound

SERVICES = [
    "part", "type", "tag", "box", "location", "inventory", "document", "seller",
    "part_seller", "shopping_list", "shopping_list_line", "kit", "kit_reservation",
    "kit_pick_list", "kit_shopping_list", "project", "dashboard", "ai", "ai_analysis_record",
    "setup", "test_data", "setting", "version", "metrics", "s3", "cas", "task", "auth",
    "connection_manager", "shutdown_coordinator", "mouser", "download_cache", "thumbnail",
    "attachment", "label", "audit", "export", "import", "search", "report", "history",
    "notification", "preference", "quota", "health",
]
API_MODULES = 55
ENDPOINTS = 4
OTHER_MODULES = 60
DOMAIN = [s for s in SERVICES if s not in ("metrics", "auth")]
"""What endpoints take as their own services (metrics and auth come separately)."""


def _cls(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Service"


def container_module() -> str:
    lines = [
        '"""Dependency-injection container."""',
        "",
        "from dependency_injector import containers, providers",
        "",
        *(f"from app.services.{s}_service import {_cls(s)}" for s in SERVICES),
        "",
        "",
        "class ServiceContainer(containers.DeclarativeContainer):",
        '    """Providers of the backend."""',
        "",
        "    config = providers.Dependency()",
        "    db_session = providers.Dependency()",
    ]
    for s in SERVICES:
        lines.append(f"    {s}_service = providers.Factory({_cls(s)}, db=db_session, settings=config)")
    return "\n".join(lines) + "\n"


def api_module(index: int) -> str:
    picked = [DOMAIN[(index * 7 + k * 3) % len(DOMAIN)] for k in range(ENDPOINTS * 2)]
    imports = sorted({f"from app.services.{s}_service import {_cls(s)}" for s in picked})
    lines = [
        f'"""API endpoints, part {index}."""',
        "",
        "from typing import Any",
        "",
        "from dependency_injector.wiring import Provide, inject",
        "from flask import Blueprint, request",
        "",
        "from app.container import ServiceContainer",
        *imports,
        "from app.utils.auth import requires",
        "",
        f'api_{index}_bp = Blueprint("api_{index}", __name__)',
    ]
    for e in range(ENDPOINTS):
        first, second = picked[2 * e], picked[2 * e + 1]
        # half the endpoints also check a permission through a decorator
        guard = ["@requires(Provide[ServiceContainer.auth_service])"] if e % 2 == 0 else []
        lines += [
            "",
            "",
            f'@api_{index}_bp.route("/{first}/<int:item_id>", methods=["GET", "PUT"])',
            *guard,
            "@inject",
            f"def endpoint_{e}(",
            "    item_id: int,",
            f"    {first}_service: {_cls(first)} = Provide[ServiceContainer.{first}_service],",
            f"    {second}_service: {_cls(second)} = Provide[ServiceContainer.{second}_service],",
            ") -> Any:",
            f'    """Read or update one {first}."""',
            "    payload = request.get_json(silent=True) or {}",
            f"    item = {first}_service.get(item_id)",
            "    if request.method == \"PUT\":",
            f"        item = {first}_service.update(item_id, **payload)",
            f"        {second}_service.touch(item)",
            "    return {\"id\": item_id, \"item\": repr(item)}",
        ]
    return "\n".join(lines) + "\n"


def test_module(index: int) -> str:
    s = SERVICES[index % len(SERVICES)]
    return (
        f'"""Tests of the {s} service through the container."""\n\n'
        "import pytest\n\n"
        "from app.container import ServiceContainer\n\n\n"
        "@pytest.fixture\n"
        "def container() -> ServiceContainer:\n"
        "    return ServiceContainer()\n\n\n"
        f"def test_{s}_service_is_built(container: ServiceContainer) -> None:\n"
        f"    assert container.{s}_service() is not None\n"
    )


def other_module(index: int) -> str:
    return (
        f'"""A domain module that never names the container ({index})."""\n\n'
        "from dataclasses import dataclass\n\n\n"
        "@dataclass\n"
        f"class Record{index}:\n"
        "    name: str\n"
        "    quantity: int = 0\n\n"
        "    def total(self, price: float) -> float:\n"
        "        return self.quantity * price\n"
    )


def build_tree(root: Path) -> list[str]:
    """Lay out the tree (a git repo); returns the files that mention ServiceContainer."""
    files = {"app/__init__.py": "", "app/api/__init__.py": "", "app/domain/__init__.py": ""}
    files["app/container.py"] = container_module()
    for i in range(API_MODULES):
        files[f"app/api/endpoints_{i:02}.py"] = api_module(i)
    for i in range(10):
        files[f"tests/test_container_{i}.py"] = test_module(i)
    for i in range(OTHER_MODULES):
        files[f"app/domain/records_{i:02}.py"] = other_module(i)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return sorted(rel for rel, text in files.items() if "ServiceContainer" in text)


def run_ours(tree: Path) -> float:
    from migrator.steps.base import StepContext
    from migrator.steps.codemod import CodemodStep

    step = CodemodStep.model_validate(
        {"codemod": "rename", "symbol": "app.container.ServiceContainer", "to": "AppContainer"}
    )
    start = time.perf_counter()
    step.apply(StepContext(root=tree, plan_dir=tree, target=tree))
    return time.perf_counter() - start


def check(base: Path, tree: Path, mentioning: list[str]) -> tuple[int, int, bool]:
    """(references before, references left, every changed file compiles)."""
    before = sum((base / rel).read_text().count("ServiceContainer") for rel in mentioning)
    left = sum((tree / rel).read_text().count("ServiceContainer") for rel in mentioning)
    compiles = True
    for rel in mentioning:
        try:
            compile((tree / rel).read_text(), rel, "exec")
        except SyntaxError:
            compiles = False
    return before, left, compiles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-rename-"))
    try:
        base = workdir / "base"
        mentioning = build_tree(base)
        files = len(list(base.rglob("*.py")))
        refs = sum((base / rel).read_text().count("Provide[ServiceContainer.") for rel in mentioning)
        ours, parse_1, parse_2 = [], [], []
        for run in range(args.repeat):
            tree = workdir / f"ours{run}"
            shutil.copytree(base, tree, symlinks=True)
            ours.append(run_ours(tree))
            parse_1.append(run_parse_only(base, mentioning, 1))
            parse_2.append(run_parse_only(base, mentioning, 2))
        before, left, compiles = check(base, tree, mentioning)
        best, p1, p2 = min(ours), min(parse_1), min(parse_2)
        print(f"{files} files, {len(mentioning)} mention ServiceContainer "
              f"({before} references, {refs} of them Provide[...]); {os.cpu_count()} CPUs; "
              f"best of {args.repeat}")
        print(f"ours (rename, codemod step)          {best:7.2f} s")
        print(f"parse-only, mentioning files, 1 proc {p1:7.2f} s")
        print(f"parse-only, mentioning files, 2 proc {p2:7.2f} s")
        print(f"ours / parse-only (1 proc)           {best / p1:7.2f}x  (target <= 2x)")
        print(f"ours / parse-only (2 proc)           {best / p2:7.2f}x")
        print(f"references left: {left} of {before}; every rewritten file compiles: {compiles}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
