"""Which template module replaces which app module, scored by how much of its public API it covers.

The score of an app module against a template module is the weighted share of the app
module's public definitions that the template module provides:

- each public definition weighs 1, plus 1 for each public member of a class (a class with
  many methods is more of the module's API than a constant);
- a function, constant or blueprint found under the same name earns its weight in full
  when it is the same (signature, URL prefix), 0.9 of it when only annotations differ, 0.5
  when it is there but different; a route handler is found by the route it serves
  (method and full path) whatever its name;
- a class found under the same name earns its weight times the average credit of its
  public members (each scored like a function; a missing member earns nothing).

`MOVE_THRESHOLD` (0.75) makes a `move`, with high confidence from `HIGH_THRESHOLD` (0.9);
from `QUESTION_THRESHOLD` (0.4) the move is written commented out with a question. Several
app modules may match one template module (they all move there). App classes and
functions with no counterpart under their own name but a likely one under another name
(shared members, same parameters and name words) become low-confidence symbol candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from migrator.init.definitions import ClassInfo, FunctionInfo, Member, ModuleIndex
from migrator.init.project import Project
from migrator.init.routes import Endpoint, blueprint_prefixes, endpoints, normalised

MOVE_THRESHOLD = 0.75
HIGH_THRESHOLD = 0.9
QUESTION_THRESHOLD = 0.4
SAME = 1.0
SAME_SHAPE = 0.9
DIFFERENT = 0.5


@dataclass
class SymbolMatch:
    name: str
    kind: str
    """`class`, `function`, `blueprint` or `constant`."""
    weight: float
    credit: float
    counterpart: str | None = None
    note: str = ""
    missing_members: list[str] = field(default_factory=list)
    differing_members: list[tuple[str, str, str]] = field(default_factory=list)
    """(member, the app's signature, the template's)."""


@dataclass
class ModuleMatch:
    app_module: str
    template_module: str
    score: float
    symbols: list[SymbolMatch]
    runners_up: list[tuple[str, float]] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    """Evidence beyond the API: the scaffolding imports the same names from it."""

    @property
    def decision(self) -> str:
        if self.score >= MOVE_THRESHOLD:
            return "move"
        return "question" if self.score >= QUESTION_THRESHOLD else "none"

    @property
    def confidence(self) -> str:
        return "high" if self.score >= HIGH_THRESHOLD else "medium" if self.score >= MOVE_THRESHOLD else "low"

    @property
    def matched(self) -> list[SymbolMatch]:
        return [s for s in self.symbols if s.credit > 0]

    @property
    def unmatched(self) -> list[SymbolMatch]:
        return [s for s in self.symbols if s.credit == 0]

    def evidence(self) -> str:
        total = len(self.symbols)
        text = (f"{self.app_module}: {len(self.matched)} of its {total} public definitions are in "
                f"{self.template_module} (coverage {self.score:.2f})")
        details = [_describe(s) for s in self.symbols if s.kind == "class" and s.credit > 0]
        details += [f"{s.name} {s.note}" for s in self.symbols if s.kind != "class" and s.note]
        if details:
            text += "; " + "; ".join(details)
        if self.unmatched:
            text += "; not there: " + ", ".join(s.name for s in self.unmatched)
        return text


def _describe(symbol: SymbolMatch) -> str:
    members = symbol.weight - 1
    found = members - len(symbol.missing_members)
    text = f"{symbol.name} with {found:g} of its {members:g} public members"
    if symbol.missing_members:
        text += f" (missing {', '.join(symbol.missing_members)})"
    if symbol.differing_members:
        text += f" ({', '.join(m for m, _, _ in symbol.differing_members)} differ)"
    return text


@dataclass(frozen=True)
class SymbolCandidate:
    """An app symbol that may live on in the template under another name."""

    app_symbol: str
    template_symbol: str
    score: float
    evidence: str


@dataclass
class Matching:
    modules: dict[str, ModuleMatch]
    """App module -> its best template module (only those scoring above zero)."""
    symbols: list[SymbolCandidate]

    @property
    def moves(self) -> dict[str, ModuleMatch]:
        return {m: match for m, match in self.modules.items() if match.decision == "move"}


# -- comparing definitions ----------------------------------------------------------------
def member_credit(app: Member, other: Member) -> float:
    if app.signature is not None and other.signature is not None:
        if app.signature == other.signature:
            return SAME
        return SAME_SHAPE if app.signature.shape() == other.signature.shape() else DIFFERENT
    if app.kind == other.kind == "field":
        if app.annotation == other.annotation:
            return SAME if app.value == other.value else SAME_SHAPE
        return DIFFERENT
    return SAME if app.kind == other.kind else DIFFERENT


def class_members(project: Project, module: str, cls: ClassInfo, seen: set[str] | None = None) -> dict[str, Member]:
    """A class's members with those it inherits from bases inside the project."""
    seen = seen if seen is not None else set()
    seen.add(f"{module}.{cls.name}")
    members = dict(cls.members)
    for base in cls.bases:
        owner, _, name = base.rpartition(".")
        index = project.modules.get(owner) if owner else project.modules.get(module)
        name = name or base
        if index is None or name not in index.classes or f"{index.module}.{name}" in seen:
            continue
        for key, value in class_members(project, index.module, index.classes[name], seen).items():
            members.setdefault(key, value)
    return members


def compare_class(app: ClassInfo, other: ClassInfo, other_members: dict[str, Member]) -> SymbolMatch:
    public = app.public_members()
    earned_total = 0.0
    missing: list[str] = []
    differing: list[tuple[str, str, str]] = []
    for name, member in public.items():
        counterpart = other_members.get(name)
        if counterpart is None:
            missing.append(name)
            continue
        earned = member_credit(member, counterpart)
        earned_total += earned
        if earned < SAME_SHAPE:
            differing.append((name, member.describe(), counterpart.describe()))
    weight = 1.0 + len(public)
    credit = weight * (earned_total / len(public) if public else SAME)
    return SymbolMatch(app.name, "class", weight, credit, other.name, "", missing, differing)


def compare_function(app: FunctionInfo, other: FunctionInfo) -> tuple[float, str]:
    if app.signature == other.signature:
        return SAME, ""
    if app.signature.shape() == other.signature.shape():
        return SAME_SHAPE, "(annotations differ)"
    return DIFFERENT, f"differs: {app.signature.text()} here, {other.signature.text()} there"


class Matcher:
    """Scores app modules against the template's library modules."""

    def __init__(self, app: Project, template: Project, library: set[str]) -> None:
        self.app = app
        self.template = template
        self.library = library
        """Template modules an app module may move to (not tests, not app scaffolding)."""
        self.app_prefixes = blueprint_prefixes(app)
        self.template_prefixes = blueprint_prefixes(template)
        self.app_endpoints = _by_function(endpoints(app))
        self.template_endpoints = _by_function(endpoints(template))

    def score(self, app_module: ModuleIndex, target: ModuleIndex) -> ModuleMatch:
        symbols: list[SymbolMatch] = []
        for name, definition in app_module.public_api().items():
            symbols.append(self._symbol(app_module, name, definition, target))
        weight = sum(s.weight for s in symbols)
        score = sum(s.credit for s in symbols) / weight if weight else 0.0
        return ModuleMatch(app_module.module, target.module, round(score, 3), symbols)

    def _symbol(self, module: ModuleIndex, name: str, definition: object, target: ModuleIndex) -> SymbolMatch:
        if isinstance(definition, ClassInfo):
            other = target.classes.get(name)
            if other is None:
                weight = 1.0 + len(definition.public_members())
                return SymbolMatch(name, "class", weight, 0.0,
                                   missing_members=sorted(definition.public_members()))
            return compare_class(definition, other, class_members(self.template, target.module, other))
        if isinstance(definition, FunctionInfo):
            return self._function(module, definition, target)
        if name in module.blueprints:
            if name not in target.blueprints:
                return SymbolMatch(name, "blueprint", 1.0, 0.0)
            mine = self.app_prefixes.get((module.module, name), "")
            theirs = self.template_prefixes.get((target.module, name), "")
            if mine == theirs:
                return SymbolMatch(name, "blueprint", 1.0, SAME, name, f"(served at {mine or '/'})")
            return SymbolMatch(name, "blueprint", 1.0, DIFFERENT, name,
                               f"(at {mine or '/'} here, {theirs or '/'} there)")
        found = name in target.constants or name in target.names
        return SymbolMatch(name, "constant", 1.0, SAME if found else 0.0, name if found else None)

    def _function(self, module: ModuleIndex, function: FunctionInfo, target: ModuleIndex) -> SymbolMatch:
        mine = self.app_endpoints.get((module.module, function.name), [])
        if mine:
            theirs = self.template_endpoints.in_module(target.module)
            for endpoint in mine:
                for other in theirs:
                    if other.method == endpoint.method and normalised(other.path) == normalised(endpoint.path):
                        note = f"(serves {endpoint.describe()}" + (
                            f" as {other.function})" if other.function != function.name else ")")
                        return SymbolMatch(function.name, "function", 1.0, SAME, other.function, note)
            other_fn = target.functions.get(function.name)
            if other_fn is not None:
                there = [e.describe() for e in theirs if e.function == function.name]
                here = ", ".join(e.describe() for e in mine)
                return SymbolMatch(function.name, "function", 1.0, DIFFERENT, function.name,
                                   f"(route differs: {here} here, {', '.join(there) or 'none'} there)")
            return SymbolMatch(function.name, "function", 1.0, 0.0)
        other_fn = target.functions.get(function.name)
        if other_fn is None:
            return SymbolMatch(function.name, "function", 1.0, 0.0)
        credit, note = compare_function(function, other_fn)
        return SymbolMatch(function.name, "function", 1.0, credit, function.name, note)

    def candidates_for(self, app_module: ModuleIndex) -> list[ModuleMatch]:
        """Template modules sharing at least one public name or route, best first."""
        names = set(app_module.public_api())
        routes = {(e.method, normalised(e.path)) for e in self.app_endpoints.in_module(app_module.module)}
        scored = []
        for module in sorted(self.library):
            target = self.template.modules[module]
            shared = names & set(target.public_api())
            shared_routes = routes & {(e.method, normalised(e.path))
                                      for e in self.template_endpoints.in_module(module)}
            if shared or shared_routes:
                scored.append(self.score(app_module, target))
        scored.sort(key=lambda m: (-m.score, m.template_module))
        return scored


class _EndpointTable(dict[tuple[str, str], list[Endpoint]]):
    """(module, function) -> the endpoints it serves."""

    def in_module(self, module: str) -> list[Endpoint]:
        return [e for (m, _), items in self.items() if m == module for e in items]


def _by_function(found: list[Endpoint]) -> _EndpointTable:
    table = _EndpointTable()
    for endpoint in found:
        table.setdefault((endpoint.module, endpoint.function), []).append(endpoint)
    return table


# -- symbols under another name ------------------------------------------------------------
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def name_words(name: str) -> set[str]:
    """The lower-case words of a name, plurals folded (`register_errors` -> register, error)."""
    words = {w.lower() for w in _WORD.findall(name)}
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words}


def symbol_candidates(app: Project, template: Project, library: set[str], app_modules: list[str],
                      moving: set[str]) -> list[SymbolCandidate]:
    """App classes and functions of `app_modules` whose name the template does not define,
    with a likely counterpart under another name (at most three each); and classes of
    modules that stay (`moving` do not) that the template defines under the same name with
    every public member the app's has (the app's adds nothing to it)."""
    template_names: set[str] = set()
    classes: list[tuple[str, ClassInfo]] = []
    functions: list[tuple[str, FunctionInfo]] = []
    for module in sorted(library):
        index = template.modules[module]
        template_names.update(index.public_api())
        classes += [(module, c) for n, c in index.classes.items() if not n.startswith("_")]
        functions += [(module, f) for n, f in index.functions.items()
                      if not n.startswith("_") and not f.routes]
    found: list[SymbolCandidate] = []
    for module in app_modules:
        index = app.modules[module]
        for name, cls in index.classes.items():
            if not name.startswith("_") and name not in template_names:
                found += _best(f"{module}.{name}", _class_candidates(cls, classes))
            elif module not in moving and (same := _same_class(template, module, cls, classes)) is not None:
                found.append(same)
        for name, function in index.functions.items():
            if not name.startswith("_") and name not in template_names and not function.routes:
                found += _best(f"{module}.{name}", _function_candidates(function, functions))
    return found


def _same_class(template: Project, module: str, cls: ClassInfo,
                classes: list[tuple[str, ClassInfo]]) -> SymbolCandidate | None:
    mine = set(cls.public_members()) - {"__init__"}
    for where, other in classes:
        if other.name != cls.name or not mine:
            continue
        if mine <= set(class_members(template, where, other)):
            return SymbolCandidate(f"{module}.{cls.name}", f"{where}.{other.name}", 1.0,
                                   f"{where}.{other.name} has every public member of the app's "
                                   f"({', '.join(sorted(mine))}); the app's adds nothing to it")
    return None


def _class_candidates(cls: ClassInfo, classes: list[tuple[str, ClassInfo]]) -> list[tuple[float, str, str]]:
    """Classes sharing at least three public members and half of all of them."""
    mine = {m for m in cls.public_members() if m != "__init__"}
    ranked = []
    for where, other in classes:
        theirs = {m for m in other.public_members() if m != "__init__"}
        shared, union = mine & theirs, mine | theirs
        if len(shared) >= 3 and len(shared) / len(union) >= 0.5:
            names = ", ".join(sorted(shared)[:6]) + (", ..." if len(shared) > 6 else "")
            ranked.append((len(shared) / len(union), f"{where}.{other.name}",
                           f"shares {len(shared)} of {len(union)} public members ({names})"))
    return ranked


def _function_candidates(function: FunctionInfo, functions: list[tuple[str, FunctionInfo]]) -> list[tuple[float, str, str]]:
    """Functions with the same parameters whose names share a third of their words."""
    ranked = []
    words = name_words(function.name)
    for where, other in functions:
        if other.signature.shape() != function.signature.shape():
            continue
        theirs = name_words(other.name)
        shared = words & theirs
        if shared and len(shared) / len(words | theirs) >= 0.3:
            same = "the same signature" if other.signature == function.signature else "the same parameters"
            ranked.append((len(shared) / len(words | theirs), f"{where}.{other.name}",
                           f"{same} {function.signature.text()} and the words {', '.join(sorted(shared))}"))
    return ranked


def _best(symbol: str, ranked: list[tuple[float, str, str]]) -> list[SymbolCandidate]:
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return [SymbolCandidate(symbol, target, round(score, 2), evidence)
            for score, target, evidence in ranked[:3]]


def match_modules(app: Project, template: Project, library: set[str], app_modules: list[str]) -> Matching:
    matcher = Matcher(app, template, library)
    modules: dict[str, ModuleMatch] = {}
    for module in app_modules:
        ranked = matcher.candidates_for(app.modules[module])
        if not ranked or ranked[0].score <= 0:
            continue
        best = ranked[0]
        best.runners_up = [(m.template_module, m.score) for m in ranked[1:4] if m.score > 0]
        modules[module] = best
    moving = {m for m, match in modules.items() if match.decision == "move"}
    return Matching(modules, symbol_candidates(app, template, library, app_modules, moving))
