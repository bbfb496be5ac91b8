"""What the migration deletes: the moved modules, and the tests of nothing but moved modules.

A test module's subjects are the app modules it imports, the ones its dotted strings
patch (`"app.services.s3_service.boto3.client"`) and the ones serving the URLs its test
client requests. Three kinds of app modules do not count as subjects: test support
(`tests.*`), scaffolding (the app factory, settings and container a test needs to run
anything) and collaborators of the moved modules (modules the moved modules import
themselves, such as the exceptions they raise) - the last only for a test that imports or
patches a moved module, not for one that only requests its routes. A test whose subjects
are all moved goes, with high confidence. A test named for a moved module (`test_<module>.py`, or
`test_<module>_api.py` and the like, or the trailing words of the module's name) that
exercises at least one moved module goes with medium confidence, and its comment says
which other modules it exercises: their tests go with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrator.init.definitions import ModuleIndex
from migrator.init.project import Project
from migrator.init.routes import Endpoint, endpoint_for

_ROLE_SUFFIXES = ("_api", "_routes", "_views", "_endpoints", "_service", "_handlers")


@dataclass(frozen=True)
class Deletion:
    path: str
    module: str
    confidence: str
    evidence: str
    is_test: bool


def _is_test_file(index: ModuleIndex) -> bool:
    name = index.path.rpartition("/")[2]
    return name.startswith("test_") or name.endswith("_test.py")


def _subjects(app: Project, test: ModuleIndex, table: list[Endpoint]) -> dict[str, list[str]]:
    """App module -> how the test reaches it (`imports ...`, `patches ...`, `requests ...`)."""
    found: dict[str, list[str]] = {}

    def add(dotted: str, how: str) -> None:
        owner = app.owner_module(dotted)
        if owner is not None and owner not in app.tests:
            found.setdefault(owner, [])
            if how not in found[owner]:
                found[owner].append(how)

    for dotted in sorted(set(test.imports.values()) | test.imported_modules):
        if app.first_party(dotted):
            add(dotted, "imports")
    for dotted in sorted(test.strings):
        if app.first_party(dotted):
            add(dotted, f"names {dotted}" if app.owner_module(dotted) == dotted else f"patches {dotted}")
    for request in test.requests:
        endpoint = endpoint_for(request.method, request.path, table)
        if endpoint is not None:
            add(f"{endpoint.module}.{endpoint.function}", f"requests {request.method} {request.path}")
    return found


def named_for(test: ModuleIndex, app: Project, moved: set[str]) -> str | None:
    """The moved module this test file is named for, if any."""
    stem = test.stem
    if stem.startswith("test_"):
        stem = stem[len("test_"):]
    elif stem.endswith("_test"):
        stem = stem[: -len("_test")]
    code = app.code
    exact = [m for m in code if m.rpartition(".")[2] == stem]
    if exact:
        moved_exact = [m for m in exact if m in moved]
        return moved_exact[0] if moved_exact and len(moved_exact) == len(exact) else None
    variants = [stem] + [stem[: -len(s)] for s in _ROLE_SUFFIXES if stem.endswith(s) and len(stem) > len(s)]
    for variant in variants:
        named = [m for m in code if m.rpartition(".")[2] == variant]
        if named:
            return named[0] if all(m in moved for m in named) else None
    trailing = [m for m in sorted(moved) if m.rpartition(".")[2].endswith("_" + stem)]
    return trailing[0] if trailing else None


def infer_deletes(app: Project, moved: dict[str, str], scaffold_modules: set[str],
                  table: list[Endpoint]) -> list[Deletion]:
    """`moved`: app module -> where it goes (module or symbol)."""
    deletions = [Deletion(app.modules[m].path, m, "high", f"moved to {target}", False)
                 for m, target in sorted(moved.items())]
    moved_set = set(moved)
    collaborators = {
        app.owner_module(dotted)
        for m in moved_set for dotted in app.modules[m].imports.values()
        if app.first_party(dotted)
    } - moved_set - {None}
    for module, test in sorted(app.tests.items()):
        if not _is_test_file(test):
            continue
        subjects = _subjects(app, test, table)
        reached = {m: how for m, how in subjects.items() if m in moved_set}
        if not reached:
            continue
        direct = [m for m, how in reached.items()
                  if any(h == "imports" or h.startswith("patches") for h in how)]
        # a test that only requests a moved module's routes may lean on anything it imports;
        # one that imports or patches a moved module may import what that module uses
        allowed = (collaborators | scaffold_modules) if direct else scaffold_modules
        others = {m: how for m, how in subjects.items() if m not in moved_set and m not in allowed}
        reaches = "; ".join(f"{m} ({', '.join(how)})" for m, how in sorted(reached.items()))
        helpers = sorted(m for m in subjects if m not in reached and m not in others)
        support = (f"; it also imports {', '.join(helpers)} (scaffolding, or what the moved "
                   f"modules use)" if helpers else "")
        if not others:
            deletions.append(Deletion(test.path, module, "high",
                                      f"exercises only moved modules: {reaches}{support}", True))
            continue
        named = named_for(test, app, moved_set)
        if named is not None:
            deletions.append(Deletion(
                test.path, module, "medium",
                f"named for {named}, which moves; reaches {reaches}{support}; it also exercises "
                f"{', '.join(sorted(others))}, which stay: their tests in this file go with it",
                True,
            ))
    return deletions
