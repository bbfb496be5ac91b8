"""Class rebases: app classes that repeat a template base class, and the renames they need.

The template's scaffolding shows which library classes an app is meant to extend
(`class Settings(CommonSettings)`, `class AppContainer(CommonContainer)`). For each such
base, the app class that overlaps it most (settings fields, container providers) and
shares its outside base (pydantic's BaseSettings, DeclarativeContainer) is rebased onto
it with `drop_inherited`; when its name differs from the scaffolding's class it is renamed
first (unless the new name is taken in its module: then the rename is a question).
Besides those, an app class with the same name as a template library class, at least
three public members in common and members of its own (the app's MetricsService with its
app metrics beside the common one) is rebased onto it under the alias `Base<Name>`.

Which members such a rebase drops and which it keeps is the `rebase` codemod's own
member comparison (`migrator.codemods.member_equivalence.compare_members`), run on the
app class as the plan's earlier steps leave it (its module moves and rename applied in
memory) against the base as the template renders it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from migrator.codemods.base import CodemodRefused, module_name_for
from migrator.codemods.class_members import ClassSource, class_chain
from migrator.codemods.member_equivalence import Verdict, compare_members
from migrator.codemods.move import Move, MoveConfig
from migrator.codemods.rename import Rename, RenameConfig
from migrator.codemods.source_roots import source_roots
from migrator.init.definitions import ClassInfo
from migrator.init.match import class_members
from migrator.init.project import Project

MIN_SHARED = 2
"""Members an app class must share with a scaffolding base to be its candidate."""
MIN_SHARE = 0.3
"""... and the share of the base's members they make up (unless it has the same outside base)."""
MIN_SHARED_SAME_NAME = 3


@dataclass
class Rebase:
    app_class: str
    """Dotted path of the class as the app has it today."""
    base: str
    """Dotted path of the template class, with ` as Alias` where needed."""
    confidence: str
    evidence: str
    shared: list[str]
    rename_to: str | None = None
    rename_question: str | None = None
    location_note: str | None = None
    """The scaffolding puts this class elsewhere (the template will create that file too)."""
    scaffold_path: str | None = None
    scaffold_name: str | None = None
    """The class name the template's scaffolding gives it."""
    kept: list[str] = field(default_factory=list)
    """Members the rebase keeps because the base defines them differently."""
    kept_reading: list[str] = field(default_factory=list)
    """Members defined the same way, kept because they read a member the class keeps."""
    dropped: list[str] = field(default_factory=list)
    """Members it drops because the base defines them the same way."""
    verdicts: list[str] = field(default_factory=list)
    """One line per member, as the rebase step will report it (both values when they differ)."""
    differences: list[str] = field(default_factory=list)
    """`member: value here, value in Base` for each member kept because it differs."""

    @property
    def class_after_rename(self) -> str:
        module = self.app_class.rpartition(".")[0]
        return f"{module}.{self.rename_to}" if self.rename_to else self.app_class


def _outside_bases(project: Project, module: str, cls: ClassInfo, seen: set[str] | None = None) -> set[str]:
    """Bases (transitively) that are not classes of the project itself."""
    seen = seen if seen is not None else set()
    found: set[str] = set()
    for base in cls.bases:
        owner, _, name = base.rpartition(".")
        index = project.modules.get(owner) if owner else project.modules.get(module)
        key = f"{owner or module}.{name or base}"
        if index is not None and (name or base) in index.classes:
            if key not in seen:
                seen.add(key)
                found |= _outside_bases(project, index.module, index.classes[name or base], seen)
        else:
            found.add(base)
    return found


def scaffold_bases(template: Project, scaffolding: set[str], library: set[str]) -> list[tuple[str, str, str]]:
    """(scaffolding class dotted, its library base dotted, the scaffolding file's path)."""
    found = []
    for path in sorted(scaffolding):
        index = template.module_at(path)
        if index is None:
            continue
        for cls in index.classes.values():
            for base in cls.bases:
                owner, _, name = base.rpartition(".")
                if owner in library and name in template.modules[owner].classes:
                    found.append((f"{index.module}.{cls.name}", base, path))
    return found


def infer_rebases(app: Project, template: Project, scaffolding: set[str], library: set[str],
                  moved: set[str]) -> list[Rebase]:
    rebases: list[Rebase] = []
    taken: set[str] = set()
    candidates = [(m, c) for m, index in app.code.items() if m not in moved
                  for c in index.classes.values()]
    for scaffold_class, base, path in scaffold_bases(template, scaffolding, library):
        owner, _, name = base.rpartition(".")
        base_cls = template.modules[owner].classes[name]
        base_members = {n for n in class_members(template, owner, base_cls) if not n.startswith("_")}
        outside = _outside_bases(template, owner, base_cls)
        best: tuple[tuple[int, int, float], str, ClassInfo, list[str], bool] | None = None
        for module, cls in candidates:
            dotted = f"{module}.{cls.name}"
            shared = sorted(set(cls.public_members()) & base_members)
            same_outside = bool(_outside_bases(app, module, cls) & outside)
            share = len(shared) / len(base_members) if base_members else 0.0
            if dotted in taken or len(shared) < MIN_SHARED or not (same_outside or share >= MIN_SHARE):
                continue
            rank = (int(same_outside), len(shared), share)
            if best is None or rank > best[0]:
                best = (rank, dotted, cls, shared, same_outside)
        if best is None:
            continue
        _, dotted, cls, shared, same_outside = best
        taken.add(dotted)
        rebases.append(_scaffold_rebase(app, dotted, cls, shared, same_outside, base, base_members,
                                        scaffold_class, path))
    for module, cls in candidates:
        dotted = f"{module}.{cls.name}"
        if dotted in taken:
            continue
        for target in sorted(library):
            other = template.modules[target].classes.get(cls.name)
            if other is None:
                continue
            theirs = {n for n in class_members(template, target, other) if not n.startswith("_")}
            mine = set(cls.public_members()) - {"__init__"}
            shared = sorted(mine & theirs)
            extends = bool(mine - theirs)  # otherwise it is the template's class: a symbol move
            if extends and len(shared) >= MIN_SHARED_SAME_NAME and len(shared) / max(len(theirs), 1) >= MIN_SHARE:
                rebases.append(Rebase(
                    dotted, f"{target}.{cls.name} as Base{cls.name}", "medium",
                    f"{dotted} and {target}.{cls.name} share the name and {len(shared)} of the "
                    f"template class's {len(theirs)} public members ({', '.join(shared)}); the app "
                    f"keeps its own class on top of the template's",
                    shared,
                ))
                taken.add(dotted)
                break
    return rebases


def _scaffold_rebase(app: Project, dotted: str, cls: ClassInfo, shared: list[str], same_outside: bool,
                     base: str, base_members: set[str], scaffold_class: str, path: str) -> Rebase:
    module = dotted.rpartition(".")[0]
    scaffold_module, _, scaffold_name = scaffold_class.rpartition(".")
    why = (f"{dotted} defines {len(shared)} of the {len(base_members)} public members of {base} "
           f"({_few(shared)})" + (", and has the same outside base" if same_outside else "")
           + f"; the template's {path} extends {base} the same way")
    confidence = "high" if same_outside and len(shared) / max(len(base_members), 1) >= MIN_SHARE else "medium"
    rebase = Rebase(dotted, base, confidence, why, shared, scaffold_path=path, scaffold_name=scaffold_name)
    if cls.name != scaffold_name:
        if scaffold_name in app.modules[module].names:
            rebase.rename_question = (f"the template's scaffolding calls it {scaffold_name}, but {module} "
                                      f"already defines a {scaffold_name}: rename {cls.name} anyway?")
        else:
            rebase.rename_to = scaffold_name
    if module != scaffold_module:
        rebase.location_note = (f"the template's scaffolding puts {scaffold_name} in {path}; the app "
                                f"keeps {cls.name} in {app.modules[module].path}")
    return rebase


def _few(names: list[str], limit: int = 6) -> str:
    return ", ".join(names[:limit]) + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def judge_members(rebase: Rebase, app: Project, template_root: Path, moves: dict[str, str]) -> None:
    """Fill `rebase.kept`, `dropped` and `verdicts` with the rebase codemod's comparison."""
    module, _, name = rebase.app_class.rpartition(".")
    file = module_name_for(app.modules[module].path, source_roots(app.root))
    try:
        tree = cst.parse_module((app.root / file.path).read_text(encoding="utf-8"))
        if moves:
            tree, _ = Move(MoveConfig(moves=moves), app.root).transform(tree, file)
        if rebase.rename_to:
            config = RenameConfig(symbol=rebase.app_class, to=rebase.rename_to)
            tree, _ = Rename(config, app.root).transform(tree, file)
            name = rebase.rename_to
        base_module, _, base_name = rebase.base.partition(" as ")[0].rpartition(".")
        verdicts = compare_members(ClassSource(module, name, tree.code, file.is_package),
                                   class_chain(template_root, base_module, base_name))
    except (OSError, cst.ParserSyntaxError, CodemodRefused, ValueError) as exc:
        rebase.verdicts = [f"the members could not be compared: {exc}"]
        return
    rebase.dropped = [v.name for v in verdicts if v.verdict is Verdict.DROPPED_EQUIVALENT]
    differing = [v for v in verdicts if v.verdict is Verdict.KEPT_DIFFERS]
    own = [v for v in differing if v.value != v.base_value]
    rebase.kept = [v.name for v in own]
    rebase.kept_reading = [v.name for v in differing if v.value == v.base_value]
    rebase.differences = [f"{v.name}: `{_short(v.value)}` here, `{_short(v.base_value or '')}` in "
                          f"{(v.owner or '').rpartition('.')[2]}" for v in own]
    rebase.verdicts = [v.describe(name) for v in verdicts]


def _short(code: str, limit: int = 80) -> str:
    line = " ".join(code.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."
