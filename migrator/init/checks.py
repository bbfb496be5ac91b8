"""The draft's verification: which checks the app and the rendered template call for.

Always: no reference to a deleted module, and the answers file's values. Then, from what
the app has: pytest when it has tests (its declared markers noted); ruff and mypy when its
configuration names them; `alembic upgrade head` and `alembic check` when it has
alembic.ini; `env-example` for the settings class rebased onto the template's settings;
`dependencies` with the template's runtime dependencies; `duplicates` between the app's
package the moved modules leave and the library package they go to; and an `http` check probing the
parameterless GET routes the rendered template's library defines (read from its route
decorators), after migrating a scratch database when the app has Alembic.
"""

from __future__ import annotations

from typing import Any

from migrator.init.model import Entry
from migrator.init.project import Project
from migrator.init.routes import Endpoint

SCRATCH_DB = "sqlite:///{scratch}/%s.db"
PYTEST = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]


def _check(name: str, kind: str, value: Any, confidence: str, evidence: str, **extra: Any) -> Entry:
    return Entry({"name": name, kind: value, **extra}, confidence, evidence)


def database_url_setting(fields: set[str]) -> str | None:
    for name in sorted(fields):
        if name.upper() in ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI", "DB_URL"):
            return name
    return None


def infer_checks(app: Project, *, deleted_modules: list[str], answers_file: str,
                 answers: dict[str, Any], src: str, settings_class: str | None,
                 settings_fields: set[str], env_file: str | None, dependencies: list[str],
                 probes: list[Endpoint], run_script: str | None,
                 duplicates: tuple[str, str] | None = None) -> list[Entry]:
    checks: list[Entry] = []
    if deleted_modules:
        checks.append(_check("no reference to a deleted module", "references", deleted_modules, "high",
                             "the modules the plan moves and deletes"))
    checks.append(_check(f"{answers_file} values", "answers",
                         {"file": answers_file, "values": {"_src_path": src, **answers}}, "high",
                         "the answers the copier step renders with"))
    test_files = [m for m in app.tests.values() if m.path.rpartition("/")[2].startswith("test_")]
    if test_files:
        markers = app.pytest_markers
        note = f"; it declares the markers {'; '.join(markers)}: give a marker that needs a server " \
               f"its own check (`-m 'not NAME'` here)" if markers else ""
        checks.append(_check("all tests pass", "command", {"argv": PYTEST, "timeout": 900}, "high",
                             f"the app has {len(test_files)} test modules{note}"))
    database = database_url_setting(settings_fields)
    env = {database: SCRATCH_DB % "alembic"} if database else {}
    if (app.root / "alembic.ini").is_file():
        how = f" on a scratch SQLite database ({database})" if database else ""
        for title, argv in (("migrations apply cleanly", ["upgrade", "head"]), ("alembic check", ["check"])):
            value: dict[str, Any] = {"argv": ["python", "-m", "alembic", *argv]}
            if env:
                value["env"] = env
            checks.append(_check(title, "command", value, "medium",
                                 f"the app has alembic.ini; runs{how or ' on the database its settings name'}"))
    for tool, argv, timeout in (("ruff", ["python", "-m", "ruff", "check", "."], None),
                                ("mypy", ["python", "-m", "mypy", "."], 600)):
        where = app.configures(tool)
        if where:
            command: Any = {"argv": argv, "timeout": timeout} if timeout else argv
            checks.append(_check(f"{tool}{' check' if tool == 'ruff' else ''}", "command", command,
                                 "high", f"the app configures {tool} in {where}"))
    if probes and run_script:
        http: dict[str, Any] = {"start": ["python", run_script]}
        if database:
            http["env"] = {database: SCRATCH_DB % "app"}
        if (app.root / "alembic.ini").is_file():
            http["setup"] = [["python", "-m", "alembic", "upgrade", "head"]]
        ready = next((p.path for p in probes if "health" in p.path), probes[0].path)
        http["ready_path"] = ready
        http["probes"] = [{"path": p.path, "status": 200} for p in probes]
        routes = ", ".join(f"{p.path} ({p.module}.{p.function})" for p in probes)
        checks.append(_check("app starts and answers the template's routes", "http", http, "medium",
                             f"the template's library serves GET {routes}; each is expected to "
                             f"answer 200 once the app runs on it"))
    if duplicates is not None:
        left, right = duplicates
        checks.append(_check(f"no duplicate code between {left}/ and {right}/", "duplicates",
                             {"left": left, "right": right}, "medium",
                             f"the moved modules' code lives in {right}/ now; a copy left in {left}/ "
                             f"would show"))
    if settings_class and env_file:
        checks.append(_check(f"{env_file} has every settings field", "env-example",
                             {"settings": settings_class, "file": env_file}, "high",
                             f"{settings_class} is the app's settings class"))
    if dependencies:
        checks.append(_check("pyproject.toml has the template's dependencies", "dependencies",
                             {"file": "pyproject.toml", "require": dependencies}, "high",
                             "the runtime dependencies of the rendered template's pyproject.toml"))
    return checks
