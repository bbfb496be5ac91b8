"""`migrate init`: read the app and the template, infer the plan, and say why for every entry.

`infer(template, target, data)` renders the template into scratch folders (once with
every flag on, to match against; once per flag, to see what it adds; once with the
inferred answers, for everything else), indexes both sides, and returns an `Inference`:
the answers, module matches, symbol moves, copier lists, rebases, deletes, checks and
the checklist, plus the `DraftPlan` built from them. Nothing is written to the app or the
template; the scratch folders are removed before `infer` returns.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrator.errors import UsageError
from migrator.init import checklist
from migrator.init.answers import Answer, infer_answers, parse_data
from migrator.init.checks import infer_checks
from migrator.init.definitions import ModuleIndex
from migrator.init.deletes import Deletion, infer_deletes
from migrator.init.match import Matching, ModuleMatch, match_modules
from migrator.init.model import DraftPlan, Entry
from migrator.init.plan_builder import build_plan
from migrator.init.project import Project
from migrator.init.rebases import Rebase, infer_rebases, judge_members
from migrator.init.render import (
    Template,
    matches,
    open_template,
    rendered_files,
    runtime_dependencies,
)
from migrator.init.routes import endpoints
from migrator.init.scaffold import Parallel, call_parallels, import_parallels, scaffold_pairs
from migrator.init.template_files import FileDecision, decide_files


@dataclass
class SymbolMove:
    old: str
    new: str
    confidence: str
    evidence: str
    active: bool


@dataclass
class Inference:
    target: Path
    src: str
    """The template as the plan's copier step names it (relative to the target)."""
    answers: dict[str, Answer]
    matching: Matching
    symbol_moves: list[SymbolMove]
    files: list[FileDecision]
    identical: list[str]
    rebases: list[Rebase]
    deletions: list[Deletion]
    checks: list[Entry]
    checklist: list[str]
    ruff: str | None
    format_differs: list[str] = field(default_factory=list)
    """`key: app's value, template's value` where the app's `ruff format` settings differ
    from those the template's files are formatted with."""
    plan: DraftPlan = field(init=False)

    @property
    def module_moves(self) -> dict[str, ModuleMatch]:
        """Module moves the plan writes (not for a module whose whole API moves by symbol)."""
        by_symbol = {m.old.rpartition(".")[0] for m in self.symbol_moves if m.active}
        return {m: match for m, match in self.matching.moves.items()
                if m not in by_symbol or len(match.symbols) > len(
                    [s for s in self.symbol_moves if s.active and s.old.startswith(m + ".")])}


def _module_goes(module: ModuleIndex, moves: list[SymbolMove]) -> bool:
    """Every public name of `module` moves by symbol."""
    moving = {m.old for m in moves if m.active}
    return all(f"{module.module}.{name}" in moving for name in module.public_api())


def template_src(template: Template, target: Path) -> str:
    if template.folder.is_relative_to(template.scratch):
        return template.src  # a URL, cloned into scratch
    return Path(os.path.relpath(template.folder, target.resolve())).as_posix()


@dataclass
class Rendered:
    """One render of the template, read: its files, modules, scaffolding and library."""

    root: Path
    project: Project
    files: set[str]
    patterns: list[str]
    """The scaffolding patterns (`_skip_if_exists`) for these answers."""

    @classmethod
    def of(cls, template: Template, answers: dict[str, Any]) -> Rendered:
        root = template.render(answers)
        return cls(root, Project.read(root), rendered_files(root), template.scaffolding_patterns(answers))

    @property
    def scaffolding(self) -> set[str]:
        return {p for p in self.files if matches(p, self.patterns)}

    @property
    def library(self) -> set[str]:
        """Modules an app module may move to: neither tests nor app scaffolding."""
        return {m for m, index in self.project.code.items() if not matches(index.path, self.patterns)}

    def app_modules(self, app: Project) -> list[str]:
        """The app's modules that are not at a path the template renders itself."""
        return [m for m, index in app.code.items() if index.path not in self.files]


def infer(template_arg: str, target: Path, data: list[str], *, trust: bool = False) -> Inference:
    target = target.resolve()
    if not target.is_dir():
        raise UsageError(f"target {target} is not a folder", "give the app's folder with --target")
    app = Project.read(target)
    if not app.code:
        raise UsageError(f"no Python modules found in {target}", "give the app's folder with --target")
    with open_template(template_arg, trust=trust) as template:
        if template.folder == target or target.is_relative_to(template.folder):
            raise UsageError("the target is inside the template", "give the app's own folder")
        return _infer(template, app, data)


def _answers(template: Template, app: Project, data: list[str]) -> dict[str, Answer]:
    """Match against the template with every flag on (its widest library) to credit flags
    and locate scaffolding the app keeps elsewhere; then infer every answer."""
    questions = template.questions
    given = parse_data(data, questions)
    provisional = infer_answers(questions, given, app, {}, {}, {})
    strings = {n: a.value for n, a in provisional.items() if a.written and not questions[n].is_flag}
    flags = {q.name: True for q in questions.values() if q.is_flag}
    wide = Rendered.of(template, {**strings, **flags, **given})
    matching = match_modules(app, wide.project, wide.library, wide.app_modules(app))
    rebases = infer_rebases(app, wide.project, wide.scaffolding, wide.library, set(matching.moves))
    locations = {path[: -len(".py")].replace("/", "."): (r.app_class.rpartition(".")[0], r.location_note)
                 for r in rebases if r.location_note and (path := r.scaffold_path or "").endswith(".py")}
    footprints = template.footprints({**strings, **{k: v for k, v in given.items() if k not in flags}})
    modules = {m: index.path for m, index in wide.project.modules.items()}
    return infer_answers(questions, given, app, footprints, matching.moves, modules, locations)


def _infer(template: Template, app: Project, data: list[str]) -> Inference:
    answers = _answers(template, app, data)
    values = {n: a.value for n, a in answers.items() if a.written}
    side = Rendered.of(template, values)  # everything the plan says comes from this render
    final = side.project
    matching = match_modules(app, final, side.library, side.app_modules(app))
    pairs = scaffold_pairs(app, final, side.scaffolding)
    for (source, target_module), evidence in import_parallels(pairs, app).items():
        match = matching.modules.get(source)
        if match is not None and match.template_module == target_module:
            match.support.append(evidence)
    symbol_moves = _symbol_moves(call_parallels(app, final, pairs), matching, app)

    moved = {m: match.template_module for m, match in matching.moves.items()}
    for move in symbol_moves:
        owner = move.old.rpartition(".")[0]
        if move.active and _module_goes(app.modules[owner], symbol_moves):
            moved[owner] = move.new
    files, identical = decide_files(app.root, side.root, side.files, side.patterns, template.answers_file)
    rebases = infer_rebases(app, final, side.scaffolding, side.library, set(moved))
    plan_moves = {m: t for m, t in moved.items() if t in final.modules}
    plan_moves.update({m.old: m.new for m in symbol_moves if m.active})
    for rebase in rebases:
        judge_members(rebase, app, side.root, plan_moves)
    scaffold_modules = {m for m, index in app.modules.items() if index.path in side.scaffolding}
    table = endpoints(app)
    deletions = infer_deletes(app, moved, scaffold_modules, table)

    src = template_src(template, app.root)
    checks = _checks(app, side, src, template.answers_file, values, rebases, moved)
    gone = set(moved) | {d.module for d in deletions}
    items = [
        *checklist.scaffolding_items(app, final, [d.path for d in files if d.action == "skip"],
                                     side.library, moved),
        *checklist.moved_api_items(app, matching.moves, gone),
        *checklist.route_items(app, table, matching.moves, gone),
        *checklist.broken_import_items(app, final, plan_moves, gone),
        *checklist.rebase_items(rebases),
    ]
    mine, theirs = app.ruff_format, final.ruff_format
    differs = [f"{key}: {mine.get(key)!r} in the app, {theirs.get(key)!r} in the template"
               for key in sorted(set(mine) | set(theirs)) if mine.get(key) != theirs.get(key)]
    inference = Inference(app.root, src, answers, matching, symbol_moves, files, identical, rebases,
                          deletions, checks, items, app.configures("ruff"), differs)
    inference.plan = build_plan(inference, app.name or app.root.name)
    return inference


def _checks(app: Project, side: Rendered, src: str, answers_file: str, values: dict[str, Any],
            rebases: list[Rebase], moved: dict[str, str]) -> list[Entry]:
    final = side.project
    settings = next((r for r in rebases if _is_settings(final, r)), None)
    fields: set[str] = set()
    if settings is not None:
        module, _, name = settings.app_class.rpartition(".")
        base_module, _, base_name = settings.base.partition(" as ")[0].rpartition(".")
        fields = set(app.modules[module].classes[name].members)
        fields |= set(final.modules[base_module].classes[base_name].members)
    library = side.library
    probes = sorted((e for e in endpoints(final) if e.module in library and e.method == "GET"
                     and not e.has_parameters), key=lambda e: e.path)
    return infer_checks(
        app, deleted_modules=sorted(moved), answers_file=answers_file, answers=values, src=src,
        settings_class=settings.class_after_rename if settings else None, settings_fields=fields,
        env_file=next((p for p in sorted(side.files) if p.rpartition("/")[2].startswith(".env")), None),
        dependencies=runtime_dependencies(side.root), probes=probes,
        run_script="run.py" if "run.py" in side.files or (app.root / "run.py").is_file() else None,
        duplicates=_package_pair(app, moved, final),
    )


def _package_pair(app: Project, moved: dict[str, str], template: Project) -> tuple[str, str] | None:
    """The one app package the moved modules leave and the one library package they join."""
    sources = {app.modules[m].path.partition("/")[0] for m in moved}
    targets = {template.modules[t].path.partition("/")[0] for t in (
        template.owner_module(new) for new in moved.values()) if t is not None}
    if len(sources) == 1 and len(targets) == 1 and sources != targets:
        return sources.pop(), targets.pop()
    return None


def _is_settings(template: Project, rebase: Rebase) -> bool:
    module, _, name = rebase.base.partition(" as ")[0].rpartition(".")
    cls = template.modules[module].classes.get(name)
    return cls is not None and any(b.endswith("BaseSettings") for b in cls.bases)


def _symbol_moves(parallels: list[Parallel], matching: Matching, app: Project) -> list[SymbolMove]:
    """Scaffolding parallels as symbol moves: active when the module moves anyway, or when
    parallels cover its whole public API (then the module goes, symbol by symbol)."""
    covered: dict[str, set[str]] = {}
    for parallel in parallels:
        owner, _, name = parallel.app_symbol.rpartition(".")
        covered.setdefault(owner, set()).add(name)
    moves = []
    for parallel in parallels:
        owner = parallel.app_symbol.rpartition(".")[0]
        match = matching.modules.get(owner)
        whole = set(app.modules[owner].public_api()) <= covered[owner]
        active = whole or (match is not None and match.decision == "move")
        moves.append(SymbolMove(parallel.app_symbol, parallel.template_symbol,
                                "high" if active else "low", parallel.evidence, active))
    return moves


def as_json(inference: Inference) -> dict[str, Any]:
    """The inference itself: answers, matches with scores, and every decision's evidence."""
    matching = inference.matching
    return {
        "target": str(inference.target),
        "template": inference.src,
        "answers": {n: {"value": a.value, "confidence": a.confidence, "evidence": a.evidence,
                        "written": a.written} for n, a in inference.answers.items()},
        "matches": [
            {"app_module": m.app_module, "template_module": m.template_module, "score": m.score,
             "decision": m.decision, "confidence": m.confidence, "evidence": m.evidence(),
             "support": m.support,
             "symbols": [{"name": s.name, "kind": s.kind, "weight": s.weight,
                          "credit": round(s.credit, 3), "counterpart": s.counterpart, "note": s.note,
                          "missing_members": s.missing_members,
                          "differing_members": [list(d) for d in s.differing_members]}
                         for s in m.symbols],
             "runners_up": [{"module": t, "score": s} for t, s in m.runners_up]}
            for m in sorted(matching.modules.values(), key=lambda m: (-m.score, m.app_module))
        ],
        "symbol_moves": [vars(m) for m in inference.symbol_moves],
        "symbol_candidates": [vars(c) for c in matching.symbols],
        "copier": {"skip": [d.path for d in inference.files if d.action == "skip"],
                   "merge": {d.path: d.merge for d in inference.files if d.action == "merge"},
                   "questions": [d.path for d in inference.files if d.action == "question"],
                   "identical": inference.identical},
        "rebases": [{"class": r.app_class, "base": r.base, "rename_to": r.rename_to,
                     "confidence": r.confidence, "evidence": r.evidence, "shared": r.shared,
                     "dropped": r.dropped, "kept": r.kept, "kept_reading": r.kept_reading,
                     "members": r.verdicts} for r in inference.rebases],
        "deletes": [vars(d) for d in inference.deletions],
        "checks": [c.value["name"] for c in inference.checks],
        "checklist": inference.checklist,
    }
