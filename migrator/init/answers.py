"""Answers to the template's questions, each with its confidence and evidence.

- A feature flag (a `bool` question) is on when the app already has what the flag
  generates: an app module matches (moves to) a module only the flag renders, or the app
  has a file only the flag renders (alembic.ini) - high confidence; or the app declares a
  runtime dependency the flag adds to pyproject.toml (one no other flag adds, when there is
  one) - medium. Otherwise it is off.
- A name question (`project_name`) takes the app's pyproject name, without the suffix that
  only repeats the folder the app lives in (`electronics-inventory-backend` in `backend/`);
  a description question takes the pyproject description; a Python version question the
  lowest version `requires-python` allows, when it is one of the choices.
- A question whose default names a scaffolding module (`container_module: app.container`)
  that the app keeps elsewhere (its container class is in `app.services.container`) takes
  the app's module.
- `--data KEY=VALUE` overrides any of them; everything else keeps the template's default
  and is not written into the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from migrator.errors import UsageError
from migrator.init.match import ModuleMatch
from migrator.init.project import Project
from migrator.init.render import FlagFootprint, Question

_TRUE = {"true", "yes", "on", "1", "y"}
_FALSE = {"false", "no", "off", "0", "n"}
_VERSION = re.compile(r"(\d+\.\d+)")


@dataclass
class Answer:
    name: str
    value: Any
    confidence: str
    """`given` (--data), `high`, `medium`, `low` or `default`."""
    evidence: str

    @property
    def written(self) -> bool:
        """Written into the plan's copier data (defaults are left to the template)."""
        return self.confidence != "default"


def parse_data(items: list[str], questions: dict[str, Question]) -> dict[str, Any]:
    """`KEY=VALUE` options, typed by the question they answer."""
    data: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--data {item!r} is not KEY=VALUE", "e.g. --data use_s3=true")
        question = questions.get(key)
        if question is None:
            known = ", ".join(sorted(questions)) or "none"
            raise UsageError(f"--data {key}: the template asks no such question (it asks: {known})")
        data[key] = _typed(question, raw.strip())
    return data


def _typed(question: Question, raw: str) -> Any:
    if question.type == "bool":
        if raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        raise UsageError(f"--data {question.name}={raw}: expected true or false")
    if question.type in ("int", "float"):
        try:
            return int(raw) if question.type == "int" else float(raw)
        except ValueError:
            raise UsageError(f"--data {question.name}={raw}: expected a number") from None
    return raw


def kebab(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text).lower()).strip("-")


def project_name(app: Project) -> tuple[str, str, str] | None:
    """(name, confidence, evidence) from pyproject.toml, or from the folder names."""
    folder = app.root.resolve().name
    if app.name is None:
        parent = app.root.resolve().parent.name
        name = kebab(parent if folder.lower() in ("backend", "server", "api", "src") else folder)
        return (name, "low", f"pyproject.toml names no project; taken from the folder {name}") if name else None
    name = kebab(app.name)
    suffix = "-" + kebab(folder)
    if name.endswith(suffix) and len(name) > len(suffix):
        short = name[: -len(suffix)]
        return short, "medium", (f"pyproject.toml names the project {app.name}; without {suffix}, "
                                 f"which only repeats the folder it lives in ({folder}/)"
                                 + _mentions(app, short))
    return name, "high", f"pyproject.toml names the project {app.name}"


def _mentions(app: Project, name: str) -> str:
    """Where the app's own configuration spells the name (a database or bucket default)."""
    spellings = {name, name.replace("-", "_")}
    for rel in (".env.example", ".env.template", ".env.sample"):
        path = app.root / rel
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                if any(s in line for s in spellings) and "=" in line:
                    return f"; {rel} spells it so: {line.strip()}"
    return ""


def python_version(app: Project, question: Question) -> tuple[Any, str] | None:
    spec = app.requires_python
    found = _VERSION.search(spec or "")
    if not found:
        return None
    version = found.group(1)
    choices = [str(c) for c in question.choices]
    if choices and version not in choices:
        return None
    return version, f"pyproject.toml requires Python {spec}"


def flag_answer(flag: Question, footprint: FlagFootprint, others: list[FlagFootprint], app: Project,
                moves: dict[str, ModuleMatch], template_modules: dict[str, str]) -> Answer:
    """`template_modules`: module name -> rendered path, for the template's modules."""
    flag_modules = {m for m, path in template_modules.items() if path in footprint.files}
    matched = sorted(f"{a} matches {m.template_module} (coverage {m.score:.2f})"
                     for a, m in moves.items() if m.template_module in flag_modules)
    present = sorted(p for p in footprint.files
                     if not p.endswith((".py", ".gitkeep")) and (app.root / p).is_file())
    shared = set().union(*(o.dependencies for o in others if o.flag != flag.name)) if others else set()
    own = (footprint.dependencies - shared) or footprint.dependencies
    declared = sorted(own & app.runtime_dependencies)
    if matched or present:
        evidence = "; ".join([*matched, *(f"the app has {p}, which only this flag renders" for p in present)])
        return Answer(flag.name, True, "high", evidence)
    if declared:
        return Answer(flag.name, True, "medium", f"no module matches, but pyproject.toml declares "
                                                 f"{', '.join(declared)}, which the flag adds")
    renders = sorted(p for p in footprint.files if p.endswith(".py") and "test" not in p)
    what = ", ".join(renders[:4]) + (" ..." if len(renders) > 4 else "") if renders else "nothing the app has"
    deps = f" and does not declare {', '.join(sorted(own))}" if own else ""
    some = sorted(footprint.dependencies & app.runtime_dependencies)
    confidence = "medium" if some else "high"
    extra = f" (it declares {', '.join(some)}, which other flags add too)" if some else ""
    return Answer(flag.name, False, confidence,
                  f"no app module matches what the flag renders ({what}){deps}{extra}")


def infer_answers(questions: dict[str, Question], given: dict[str, Any], app: Project,
                  footprints: dict[str, FlagFootprint], moves: dict[str, ModuleMatch],
                  template_modules: dict[str, str],
                  locations: dict[str, tuple[str, str]] | None = None) -> dict[str, Answer]:
    """`locations`: a scaffolding module -> (the app module that holds its class, evidence)."""
    answers: dict[str, Answer] = {}
    for name, question in questions.items():
        if name in given:
            answers[name] = Answer(name, given[name], "given", "given with --data")
            continue
        if question.is_flag and name in footprints:
            answers[name] = flag_answer(question, footprints[name], list(footprints.values()), app,
                                        moves, template_modules)
            continue
        located = _location_answer(question, locations or {})
        inferred = located or _string_answer(question, app)
        refused = inferred is not None and inferred.written and question.refusal(
            inferred.value, {**{q.name: q.default for q in questions.values()}, **given})
        if inferred is not None and refused:
            answers[name] = Answer(name, question.default, "default",
                                   f"{inferred.evidence}, which suggests {inferred.value!r}, but the "
                                   f"template's validator refuses it ({refused}); the template's default")
        elif inferred is not None:
            answers[name] = inferred
        else:
            answers[name] = Answer(name, question.default, "default",
                                   "nothing in the app answers it; the template's default")
    return answers


def _location_answer(question: Question, locations: dict[str, tuple[str, str]]) -> Answer | None:
    """A question whose default is a scaffolding module (or its path) the app keeps elsewhere."""
    default = question.default
    if question.type != "str" or not isinstance(default, str):
        return None
    for scaffold_module, (app_module, evidence) in locations.items():
        if default == scaffold_module:
            return Answer(question.name, app_module, "high", evidence)
        if default == scaffold_module.replace(".", "/") + ".py":
            return Answer(question.name, app_module.replace(".", "/") + ".py", "high", evidence)
    return None


def _string_answer(question: Question, app: Project) -> Answer | None:
    lowered = question.name.lower()
    if question.type != "str":
        return None
    if "python" in lowered:
        found = python_version(app, question)
        if found is None:
            return None
        value, evidence = found
        if value == str(question.default):
            return Answer(question.name, value, "default", evidence + ", the template's default")
        return Answer(question.name, value, "high", evidence)
    if lowered.endswith("description") and app.description:
        return Answer(question.name, app.description, "high", "pyproject.toml's description")
    if lowered.endswith("name") and not question.choices:
        found_name = project_name(app)
        if found_name is not None:
            return Answer(question.name, *found_name)
    return None
