"""The template's app scaffolding read as a usage example of the template's library.

The template renders a few files the app then owns (its `_skip_if_exists`: the app
factory, settings, container...). Where the app has its own version of such a file, the
two are parallel: the template's `create_app` imports `health_bp` from
`common.health.routes` where the app's imports it from `app.api.health`, and calls
`configure_error_handlers(app)` where the app's calls `register_error_handlers(app)`.
Those parallels are evidence for module matches and name the replacement of an app
function the template's library offers under another name.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrator.init.definitions import FunctionInfo, ModuleIndex
from migrator.init.match import name_words
from migrator.init.project import Project


@dataclass(frozen=True)
class Parallel:
    """The app's `app_symbol` has the same place in a scaffolding file as `template_symbol`."""

    app_symbol: str
    template_symbol: str
    evidence: str


def scaffold_pairs(app: Project, template: Project, scaffolding: set[str]) -> list[tuple[ModuleIndex, ModuleIndex]]:
    """(app module, template module) for each scaffolding file both sides have."""
    pairs = []
    for path in sorted(scaffolding):
        mine, theirs = app.module_at(path), template.module_at(path)
        if mine is not None and theirs is not None:
            pairs.append((mine, theirs))
    return pairs


def _function(project: Project, dotted: str) -> FunctionInfo | None:
    module, _, name = dotted.rpartition(".")
    index = project.modules.get(module)
    return index.functions.get(name) if index is not None else None


def call_parallels(app: Project, template: Project, pairs: list[tuple[ModuleIndex, ModuleIndex]]) -> list[Parallel]:
    """App functions that a scaffolding function calls where the template's calls another
    library function with the same arguments, the same parameters and a name sharing a word
    (one candidate only; none when the template calls a function of the same name there)."""
    found: list[Parallel] = []
    for mine, theirs in pairs:
        template_targets = {c.target for c in theirs.calls}
        for call in mine.calls:
            if not app.first_party(call.target) or call.target in template_targets:
                continue
            mine_fn = _function(app, call.target)
            name = call.target.rpartition(".")[2]
            if mine_fn is None or any(c.function == call.function and c.target.rpartition(".")[2] == name
                                      for c in theirs.calls):
                continue  # the template calls a function of the same name there: that one
            options = []
            for other in theirs.calls:
                other_fn = _function(template, other.target)
                if (other.function == call.function and other.args == call.args and other_fn is not None
                        and other_fn.signature.shape() == mine_fn.signature.shape()
                        and other.target not in {c.target for c in mine.calls}
                        and name_words(name) & name_words(other.target.rpartition(".")[2])):
                    options.append(other)
            if len(options) == 1:
                other = options[0]
                found.append(Parallel(
                    call.target, other.target,
                    f"{mine.path}: the template's {call.function}() calls "
                    f"{other.target}({other.args}) where the app's calls "
                    f"{call.target.rpartition('.')[2]}({call.args})",
                ))
    return found


def import_parallels(pairs: list[tuple[ModuleIndex, ModuleIndex]], app: Project) -> dict[tuple[str, str], str]:
    """(app module, template module) -> evidence, for names both scaffolding files import."""
    found: dict[tuple[str, str], str] = {}
    for mine, theirs in pairs:
        for local, dotted in mine.imports.items():
            other = theirs.imports.get(local)
            if other is None or other == dotted or not app.first_party(dotted):
                continue
            source, target = dotted.rpartition(".")[0], other.rpartition(".")[0]
            found.setdefault((source, target), f"{mine.path} imports {local} from {source}; the "
                                               f"template's imports it from {target}")
    return found
