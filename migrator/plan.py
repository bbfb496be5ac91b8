"""The plan: a YAML file loaded into pydantic models, with `plan.yaml:LINE: key: expected` errors.

Shape::

    name: my-migration
    description: what it does
    data: {project_name: x}          # optional, template data for steps (e.g. `write` rendering)
    environment: {venv: .venv}       # optional, the app's interpreter (see migrator.environment)
    steps:                           # each item: exactly one step kind key
      - copier: {src: ../template, data: {...}}
      - codemod: move                # a non-mapping value fills the kind's `shorthand` field;
        moves: {a.b: c.d}            # sibling keys are fields too (here: the codemod's params)
      - write: {path: app/x.py, from: files/x.py}
        why: the one file no codemod can produce
    verify:                          # each item: a `name` and exactly one check kind key
      - {name: tests, command: [python, -m, pytest, -q]}

Step kinds come from `migrator.steps.STEP_KINDS`, check kinds from
`migrator.verify.CHECK_KINDS`; a codemod's parameters are validated by the `Config` of the
codemod registered under that name in `migrator.codemods.REGISTRY`.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migrator.codemods.base import REGISTRY as CODEMODS
from migrator.environment import EnvironmentSetting
from migrator.errors import PlanError
from migrator.steps import load_step_kinds
from migrator.steps.base import StepModel
from migrator.verify import load_check_kinds
from migrator.verify.base import CheckModel

Loc = tuple[str | int, ...]


class PlanHeader(BaseModel):
    """The plan's top-level keys other than the step and check lists."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)  # it names the run, its branch and its attempt patches
    description: str = ""
    data: dict[str, Any] = {}
    environment: EnvironmentSetting | None = None
    steps: list[Any]
    verify: list[Any] = []


@dataclass
class Plan:
    name: str
    description: str
    data: dict[str, Any]
    steps: list[StepModel]
    checks: list[CheckModel]
    path: Path
    """The plan file (absolute)."""
    display_path: str = ""
    """The plan file as the user named it (used in messages)."""
    step_lines: list[int] = field(default_factory=list)
    step_sources: list[dict[str, Any]] = field(default_factory=list)
    """Each step as written in the plan (rendered in the markdown document)."""
    check_sources: list[dict[str, Any]] = field(default_factory=list)
    """Each check as written in the plan."""
    environment: EnvironmentSetting | None = None
    """The app's interpreter or virtual environment, when the plan names it."""

    @property
    def plan_dir(self) -> Path:
        return self.path.parent


# -- YAML with line numbers ---------------------------------------------------------------
MAX_NODES = 100_000
"""How many nodes a plan may expand to once YAML aliases are followed (a plan has hundreds;
an alias bomb of a few hundred bytes has billions)."""


def _compose(text: str, where: str) -> tuple[yaml.Node | None, Any]:
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        raise _control_character(text, exc, where) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        if _expanded_size(node, {}) > MAX_NODES:
            raise PlanError(f"{where}:{node.start_mark.line + 1}: YAML aliases expand the plan "
                            f"past {MAX_NODES} nodes; write the repeated parts out instead")
        _refuse_duplicate_keys(node, where, set())
        _refuse_control_characters(node, where, (), set())
        return node, loader.construct_document(node)
    except yaml.reader.ReaderError as exc:
        raise _control_character(text, exc, where) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "malformed YAML"
        if exc.context and exc.context_mark and exc.problem:
            problem += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        raise PlanError(f"{where}:{line}: malformed YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise PlanError(f"{where}:1: malformed YAML: {exc}") from None
    except RecursionError:
        raise PlanError(f"{where}:1: the plan nests too deeply to be a plan") from None
    finally:
        loader.dispose()


def _control_character(text: str, exc: yaml.reader.ReaderError, where: str) -> PlanError:
    line = text.count("\n", 0, exc.position) + 1
    character = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return PlanError(f"{where}:{line}: control character U+{character:04X} is not allowed "
                     "in a plan")


def _children(node: yaml.Node) -> list[tuple[str | int | None, yaml.Node]]:
    """(key or index, child) of a mapping's keys and values or a sequence's items."""
    if isinstance(node, yaml.MappingNode):
        pairs: list[tuple[str | int | None, yaml.Node]] = []
        for key, value in node.value:
            pairs += [(None, key), (key.value if isinstance(key, yaml.ScalarNode) else None, value)]
        return pairs
    if isinstance(node, yaml.SequenceNode):
        return list(enumerate(node.value))
    return []


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """Nodes in the document once aliases are expanded (each shared node counted once per
    use), computed in one pass over the shared nodes."""
    if id(node) not in sizes:
        sizes[id(node)] = 1  # a recursive alias counts once
        sizes[id(node)] = 1 + sum(_expanded_size(child, sizes) for _, child in _children(node))
    return sizes[id(node)]


def _refuse_duplicate_keys(node: yaml.Node, where: str, seen_nodes: set[int]) -> None:
    if id(node) in seen_nodes:
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise PlanError(
                        f"{where}:{key.start_mark.line + 1}: {key.value}: "
                        "duplicate key (each key may appear once)"
                    )
                seen.add(key.value)
    for _, child in _children(node):
        _refuse_duplicate_keys(child, where, seen_nodes)


def _refuse_control_characters(node: yaml.Node, where: str, loc: Loc, seen: set[int]) -> None:
    """Plan values name files, commands and text for a terminal: no NUL, ESC, BEL (a tab and
    newlines are fine), even written as YAML escapes."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        bad = next((c for c in node.value if c not in "\t\n\r"
                    and unicodedata.category(c) == "Cc"), None)
        if bad is not None:
            raise PlanError(f"{where}:{node.start_mark.line + 1}: {_loc_text(loc)}: control "
                            f"character U+{ord(bad):04X} is not allowed in a plan")
    for part, child in _children(node):
        _refuse_control_characters(child, where, loc if part is None else (*loc, part), seen)


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
    """The (key node, value node) under `part`, or (None, None)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return None, node.value[part]
    return None, None


def line_of(node: yaml.Node, loc: Loc, *, key_line: bool = False) -> int:
    """Line of the deepest node `loc` reaches (the key's line for unknown/missing keys)."""
    current = node
    for i, part in enumerate(loc):
        key, value = _child(current, part)
        if value is None:
            break
        if key is not None and key_line and i == len(loc) - 1:
            return key.start_mark.line + 1
        current = value
    return current.start_mark.line + 1


def _loc_text(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "plan"


def _expected(error: Any, model: type[BaseModel] | None) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        fields = model.model_fields.items() if model is not None else []
        known = sorted(info.alias or name for name, info in fields)
        return f"unknown key (expected one of: {', '.join(known)})" if known else "unknown key"
    if kind == "missing":
        return "required key is missing"
    message = str(error["msg"])
    return message[0].lower() + message[1:] if message else kind


# -- validation ---------------------------------------------------------------------------
@dataclass
class _Item:
    """One list item turned into model input, remembering where each field came from."""

    node: yaml.Node
    loc: Loc
    """Location of the item in the document, e.g. ('steps', 2)."""
    kind: str
    values: dict[str, Any]
    origin: dict[str, Loc]
    """field -> location of its value relative to the item."""
    nested: bool
    """The kind's value is a mapping of settings (missing settings belong under it)."""


class _PlanLoader:
    def __init__(self, root: yaml.Node, where: str) -> None:
        self.root = root
        self.where = where

    def fail(self, loc: Loc, what: str, *, key_line: bool = False) -> PlanError:
        line = line_of(self.root, loc, key_line=key_line)
        return PlanError(f"{self.where}:{line}: {_loc_text(loc)}: {what}")

    def validate(self, model: type[BaseModel], values: Any, to_doc: Any) -> Any:
        """Validate, translating the first error's location with `to_doc(loc) -> Loc`."""
        try:
            return model.model_validate(values)
        except ValidationError as exc:
            # An unknown key is usually a typo, and explains a "missing" error beside it.
            error = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
            missing = error["type"] in ("extra_forbidden", "missing")
            loc = self.in_document(to_doc(tuple(error["loc"])), keep_last=missing)
            owner = _owner_model(model, tuple(error["loc"]))
            raise self.fail(loc, _expected(error, owner), key_line=missing) from None

    def in_document(self, loc: Loc, *, keep_last: bool) -> Loc:
        """`loc` cut to the part that exists in the YAML (pydantic adds union/type tags)."""
        node: yaml.Node | None = self.root
        for i, part in enumerate(loc):
            _, child = _child(node, part) if node is not None else (None, None)
            if child is None:
                return loc[: i + 1] if keep_last and i == len(loc) - 1 else loc[:i]
            node = child
        return loc

    def item(self, loc: Loc, raw: Any, kinds: Mapping[str, type[BaseModel]], what: str) -> _Item:
        node = line_node(self.root, loc)
        if not isinstance(raw, dict):
            raise self.fail(loc, f"expected a mapping with one {what} kind key "
                                 f"(one of: {', '.join(sorted(kinds))})")
        found = [k for k in raw if k in kinds]
        if len(found) != 1:
            unknown = [k for k in raw if k not in kinds and k not in ("name", "why")]
            if found:
                problem = f"has {len(found)} {what} kind keys ({', '.join(found)}); expected exactly one"
            elif unknown:
                problem = f"unknown {what} kind '{unknown[0]}'"
            else:
                problem = f"missing the {what} kind key"
            raise self.fail(loc, f"{problem} (one of: {', '.join(sorted(kinds))})")
        kind = found[0]
        cls = kinds[kind]
        values: dict[str, Any] = {}
        origin: dict[str, Loc] = {}
        value = raw[kind]
        if isinstance(value, dict):
            for key, inner in value.items():
                values[str(key)] = inner
                origin[str(key)] = (kind, key)
        else:
            shorthand = getattr(cls, "shorthand", None)
            if shorthand is None:
                raise self.fail((*loc, kind), "expected a mapping of its settings")
            values[shorthand] = value
            origin[shorthand] = (kind,)
        for key, inner in raw.items():
            if key == kind:
                continue
            if str(key) in values:
                raise self.fail((*loc, key), f"given twice (also inside '{kind}')", key_line=True)
            values[str(key)] = inner
            origin[str(key)] = (key,)
        return _Item(node=node, loc=loc, kind=kind, values=values, origin=origin,
                     nested=isinstance(value, dict))

    def build(self, item: _Item, cls: type[BaseModel]) -> Any:
        def to_doc(loc: Loc) -> Loc:
            if loc and isinstance(loc[0], str) and loc[0] in item.origin:
                return (*item.loc, *item.origin[loc[0]], *loc[1:])
            if loc and item.nested and loc[0] not in StepModel.model_fields and loc[0] != "name":
                return (*item.loc, item.kind, *loc)
            return (*item.loc, *loc)

        return self.validate(cls, item.values, to_doc)


def line_node(root: yaml.Node, loc: Loc) -> yaml.Node:
    current = root
    for part in loc:
        _, value = _child(current, part)
        if value is None:
            break
        current = value
    return current


def _owner_model(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The (nested) model that owns the last part of `loc`, for listing its known keys."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        annotation = info.annotation
        current = annotation if isinstance(annotation, type) else None
        if current is None:
            for arg in getattr(annotation, "__args__", ()):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    current = arg
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _check_codemod_params(loader: _PlanLoader, item: _Item, cls: type[StepModel]) -> None:
    shorthand = getattr(cls, "shorthand", None)
    name = item.values.get(shorthand) if shorthand else None
    if not isinstance(name, str) or name not in CODEMODS:
        known = ", ".join(sorted(CODEMODS)) or "none registered"
        raise loader.fail((*item.loc, item.kind), f"unknown codemod {name!r} (one of: {known})")
    config = CODEMODS[name].Config
    params = {k: v for k, v in item.values.items() if k not in StepModel.model_fields and k != shorthand}

    def to_doc(loc: Loc) -> Loc:
        if loc and isinstance(loc[0], str) and loc[0] in item.origin:
            return (*item.loc, *item.origin[loc[0]], *loc[1:])
        return (*item.loc, *loc)

    loader.validate(config, params, to_doc)


def _check_shipped_files(loader: _PlanLoader, item: _Item, model: Any, plan_dir: Path) -> None:
    """Fields a kind lists in `shipped_fields` name files beside the plan: they must exist."""
    for name in getattr(type(model), "shipped_fields", ()):
        value = getattr(model, name, None)
        info = type(model).model_fields.get(name)
        key = info.alias if info is not None and info.alias else name
        for rel in [value] if isinstance(value, str) else list(value or []):
            if not (plan_dir / rel).is_file():
                loc = (*item.loc, *item.origin.get(key, (key,)))
                raise loader.fail(loc, f"file {rel!r} not found beside the plan ({plan_dir})")


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan file; every problem is a PlanError naming file and line."""
    where = str(path)
    try:
        plan_path = Path(path).resolve()
        text = plan_path.read_text(encoding="utf-8")
    except RuntimeError:  # resolving a symlink loop, before Python 3.13
        raise PlanError(f"{where}: cannot read the plan: a symlink loop") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{where}: cannot read the plan: {getattr(exc, 'strerror', None) or exc}") from None
    root, document = _compose(text, where)
    if root is None or not isinstance(document, dict):
        line = root.start_mark.line + 1 if root is not None else 1
        raise PlanError(f"{where}:{line}: plan: expected a mapping with name and steps")
    loader = _PlanLoader(root, where)
    header = loader.validate(PlanHeader, document, lambda loc: loc)
    step_kinds = load_step_kinds()
    check_kinds = load_check_kinds()

    steps: list[StepModel] = []
    lines: list[int] = []
    sources: list[dict[str, Any]] = []
    for index, raw in enumerate(header.steps):
        item = loader.item(("steps", index), raw, step_kinds, "step")
        cls = step_kinds[item.kind]
        if item.kind == "codemod":
            _check_codemod_params(loader, item, cls)
        step = loader.build(item, cls)
        _check_shipped_files(loader, item, step, plan_path.parent)
        steps.append(step)
        lines.append(item.node.start_mark.line + 1)
        sources.append(raw)

    checks: list[CheckModel] = []
    check_sources: list[dict[str, Any]] = []
    names: set[str] = set()
    for index, raw in enumerate(header.verify):
        item = loader.item(("verify", index), raw, check_kinds, "check")
        check = loader.build(item, check_kinds[item.kind])
        if check.name in names:
            raise loader.fail(("verify", index, "name"), f"duplicate check name {check.name!r}")
        names.add(check.name)
        _check_shipped_files(loader, item, check, plan_path.parent)
        checks.append(check)
        check_sources.append(raw)

    return Plan(
        name=header.name,
        description=header.description,
        data=header.data,
        steps=steps,
        checks=checks,
        path=plan_path,
        display_path=where,
        step_lines=lines,
        step_sources=sources,
        check_sources=check_sources,
        environment=header.environment,
    )


# -- JSON Schema --------------------------------------------------------------------------
def _kind_schema(kind: str, cls: type[BaseModel], defs: dict[str, Any]) -> dict[str, Any]:
    """One list item: `{KIND: settings-mapping | shorthand-value, name?, why?, ...settings}`."""
    schema = cls.model_json_schema(ref_template="#/$defs/{model}")
    defs.update(schema.pop("$defs", {}))
    props: dict[str, Any] = dict(schema.get("properties", {}))
    required: list[str] = list(schema.get("required", []))
    shorthand = getattr(cls, "shorthand", None)
    settings = {"type": "object", "properties": props, "additionalProperties": False}
    inner_required = [r for r in required if r not in ("name", "why")]
    if inner_required:
        settings["required"] = inner_required
    forms: list[dict[str, Any]] = [settings]
    if shorthand and shorthand in props:
        forms.insert(0, props[shorthand])
    item_props = {**props, kind: forms[0] if len(forms) == 1 else {"anyOf": forms}}
    outer_required = [kind] + (["name"] if "name" in required else [])
    return {"type": "object", "title": kind, "properties": item_props,
            "required": outer_required, "additionalProperties": False}


def _codemod_schema(kind: str, name: str, config: type[BaseModel],
                    defs: dict[str, Any]) -> dict[str, Any]:
    """`{codemod: NAME, name?, why?, ...the codemod's Config fields}`."""
    params = config.model_json_schema(ref_template="#/$defs/{model}")
    defs.update(params.pop("$defs", {}))
    props = {"name": {"type": "string"}, "why": {"type": "string"},
             **params.get("properties", {}), kind: {"const": name}}
    schema = {"type": "object", "title": f"codemod {name}", "properties": props,
              "required": [kind, *params.get("required", [])], "additionalProperties": False}
    if "anyOf" in params:  # a rule across the codemod's parameters (`set` or `remove`)
        schema["anyOf"] = params["anyOf"]
    return schema


def plan_json_schema() -> dict[str, Any]:
    """A JSON Schema for plan files, built from the registered step, check and codemod kinds."""
    defs: dict[str, Any] = {}
    step_variants: list[dict[str, Any]] = []
    for kind, cls in sorted(load_step_kinds().items()):
        if kind == "codemod" and CODEMODS:
            step_variants += [_codemod_schema(kind, name, codemod.Config, defs)
                              for name, codemod in sorted(CODEMODS.items())]
        else:
            step_variants.append(_kind_schema(kind, cls, defs))
    check_variants = [_kind_schema(k, c, defs) for k, c in sorted(load_check_kinds().items())]
    environment = {
        "type": "object",
        "description": "The app's interpreter, which command/http/container checks and command "
                       "steps run in (default: the target's .venv/ or venv/, else its "
                       ".python-version, else python on PATH)",
        "properties": {
            "venv": {"type": "string", "description": "a virtual environment folder, relative "
                                                      "to the target or absolute"},
            "python": {"type": "string", "description": "an interpreter: a path relative to "
                                                        "the target, absolute, or a command on PATH"},
        },
        "minProperties": 1, "maxProperties": 1, "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "template-migrator plan",
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "steps"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "description": {"type": "string"},
            "data": {"type": "object", "description": "template data available to steps"},
            "environment": environment,
            "steps": {"type": "array", "items": {"oneOf": step_variants}},
            "verify": {"type": "array", "items": {"oneOf": check_variants}},
        },
        "$defs": defs,
    }


def plan_json_schema_text() -> str:
    return json.dumps(plan_json_schema(), indent=2, sort_keys=False)
