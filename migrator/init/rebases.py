"""Class rebases: app classes that repeat a template base class, and the renames they need.

The template's scaffolding shows which library classes an app is meant to extend
(`class Settings(CommonSettings)`, `class AppContainer(CommonContainer)`). For each such
base, the app class that overlaps it most (settings fields, container providers) and
shares its outside base (pydantic's BaseSettings, DeclarativeContainer) is rebased onto
it with `drop_inherited`; when its name differs from the scaffolding's class it is renamed
first (unless the new name is taken in its module: then the rename is a question).
Besides those, an app class with the same name as a template library class and at least
three public members in common (the app's own MetricsService beside the common one) is
rebased onto it under the alias `Base<Name>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.init.index import ClassInfo
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
    dropped: list[str] = field(default_factory=list)

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
            shared = sorted((set(cls.public_members()) - {"__init__"}) & theirs)
            if len(shared) >= MIN_SHARED_SAME_NAME and len(shared) / max(len(theirs), 1) >= MIN_SHARE:
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
