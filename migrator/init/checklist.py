"""What the draft cannot do by codemod: the items a human writes as `write` or `patch` steps.

- scaffolding the app keeps (the app factory, run.py, the test harness) next to what the
  template's version of the same file uses from the library;
- members of moved classes the template's class lacks, with the files that use them;
- moved classes and functions whose signatures differ, with the files that call them;
- routes whose method changes, with the tests that request them;
- names imported from moved modules that the new module does not define;
- rebased classes whose scaffolding lives elsewhere, renames that would collide, and
  members kept because they differ from the base's.
"""

from __future__ import annotations

from migrator.init.match import ModuleMatch
from migrator.init.project import Project
from migrator.init.rebases import Rebase
from migrator.init.routes import Endpoint, endpoint_for

MAX_FILES = 6


def _files(paths: set[str]) -> str:
    ordered = sorted(paths)
    shown = ", ".join(ordered[:MAX_FILES])
    return shown + (f" and {len(ordered) - MAX_FILES} more" if len(ordered) > MAX_FILES else "")


def scaffolding_items(app: Project, template: Project, kept: list[str], library: set[str],
                      moves: dict[str, str]) -> list[str]:
    items = []
    for path in kept:
        mine, theirs = app.module_at(path), template.module_at(path)
        if mine is None or theirs is None:
            items.append(f"{path}: the app keeps its own (skipped); compare it with the template's")
            continue
        uses = sorted({d for d in theirs.imports.values() if d.rpartition(".")[0] in library}
                      - set(mine.imports.values()))
        moved = sorted({d for d in mine.imports.values() if app.owner_module(d) in moves})
        text = f"{path}: the app keeps its own (skipped)"
        if uses:
            text += f"; the template's version uses {', '.join(uses)}"
        if moved:
            text += (f"; the app's imports {', '.join(moved)}, which the move step rewrites: "
                     f"check the result")
        items.append(text + ".")
    return items


def _users(app: Project, attribute: str, exclude: set[str]) -> set[str]:
    return {m.path for name, m in app.modules.items() if name not in exclude and attribute in m.attributes}


def _importers(app: Project, dotted: str, exclude: set[str]) -> set[str]:
    return {m.path for name, m in app.modules.items()
            if name not in exclude and any(v == dotted or v.startswith(dotted + ".")
                                           for v in m.imports.values())}


def moved_api_items(app: Project, matches: dict[str, ModuleMatch], moved: set[str]) -> list[str]:
    items = []
    for module, match in sorted(matches.items()):
        for symbol in match.symbols:
            dotted = f"{module}.{symbol.name}"
            if symbol.missing_members:
                users = set().union(*(_users(app, m, moved) for m in symbol.missing_members))
                where = f"; used in {_files(users)}" if users else ""
                items.append(f"{dotted}: {', '.join(symbol.missing_members)} not in "
                             f"{match.template_module}.{symbol.counterpart or symbol.name}{where}: "
                             f"give them a home in the app.")
            for member, mine, theirs in symbol.differing_members:
                callers = _importers(app, dotted, moved)
                where = f"; {symbol.name} is used in {_files(callers)}" if callers else ""
                items.append(f"{dotted}.{member} differs: {mine} here, {theirs} in "
                             f"{match.template_module}{where}.")
            if symbol.kind == "function" and symbol.note.startswith("differs:"):
                callers = _importers(app, dotted, moved)
                where = f"; called in {_files(callers)}" if callers else ""
                items.append(f"{dotted} {symbol.note}{where}.")
    return items


def route_items(app: Project, table: list[Endpoint], matches: dict[str, ModuleMatch],
                gone: set[str]) -> list[str]:
    items = []
    for module, match in sorted(matches.items()):
        for symbol in match.symbols:
            if symbol.kind != "function" or "route differs" not in symbol.note:
                continue
            served = [e for e in table if e.module == module and e.function == symbol.name]
            callers = {t.path for name, t in app.tests.items() if name not in gone for r in t.requests
                       if endpoint_for(r.method, r.path, served) is not None}
            where = f"; requested by {_files(callers)}" if callers else ""
            items.append(f"{module}.{symbol.name}: {symbol.note.strip('()')}{where}.")
    return items


def broken_import_items(app: Project, template: Project, moves: dict[str, str], gone: set[str]) -> list[str]:
    """Names imported from a moved module that its new home does not define."""
    broken: dict[str, set[str]] = {}
    for name, index in app.modules.items():
        if name in gone:
            continue
        for dotted in index.imports.values():
            owner = app.owner_module(dotted)
            if owner not in moves or dotted == owner:
                continue
            target = template.modules.get(moves[owner])
            symbol = dotted[len(owner) + 1:].partition(".")[0]
            if target is not None and symbol not in target.names:
                broken.setdefault(f"{owner}.{symbol} (to {moves[owner]})", set()).add(index.path)
    return [f"{what} does not exist there; imported by {_files(paths)}." for what, paths in sorted(broken.items())]


def rebase_items(rebases: list[Rebase]) -> list[str]:
    items = []
    for rebase in rebases:
        if rebase.location_note:
            items.append(f"{rebase.location_note}: the copier step will create the template's "
                         f"{rebase.scaffold_path} too; point it at the app's class or leave it out.")
        if rebase.rename_question:
            items.append(f"{rebase.app_class}: {rebase.rename_question}")
        if rebase.kept:
            reading = (f" (and {', '.join(rebase.kept_reading)}, which read them)"
                       if rebase.kept_reading else "")
            items.append(f"{rebase.class_after_rename} keeps {', '.join(rebase.kept)}{reading}, which "
                         f"{rebase.base.partition(' as ')[0]} defines differently: "
                         f"{'; '.join(rebase.differences)}. Keep the overrides, or align them "
                         f"(keep:/drop: on the rebase, a set_members step or a patch).")
    return items
