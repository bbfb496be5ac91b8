"""`call_args`: add, change or remove keyword arguments at the call sites of a callable.

A call site is a call whose function, as written or through the module's imports, is
`callable` or ends with it on a whole segment: `register_blueprint` matches
`app.register_blueprint(...)`; `flask.json.dumps` matches `dumps(...)` after
`from flask.json import dumps` and `json.dumps(...)` after `from flask import json`.
A method is matched by its name (there is no type to follow). `match_args` narrows the
sites to calls whose first positional arguments are that code (`[sse_bp]`).

`set` gives each keyword its value as Python code: a missing keyword is added after the
others, in the call's layout (on a line of its own, with a trailing comma, when the call
has one argument per line); a different value is replaced; the same value is left
alone. `remove` takes keywords out. Imports the new values need are added (`imports`),
and imports only the replaced or removed values used go.

    - codemod: call_args
      callable: register_blueprint
      match_args: [sse_bp]
      set: {url_prefix: '"/api/sse"'}
"""

from __future__ import annotations

from functools import cached_property

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import MetadataWrapper
from pydantic import ConfigDict, Field, field_validator, model_validator

from migrator.codemods.base import Codemod, CodemodConfig, SourceFile, register
from migrator.codemods.import_edits import TopImportsAdder, remove_scheduled_imports
from migrator.codemods.import_placement import place_new_imports
from migrator.codemods.import_resolution import (
    DOTTED,
    ImportLines,
    dotted_name,
    import_from_module,
    iter_statements,
    package_of,
    parse_import_line,
)


class CallArgsConfig(CodemodConfig):
    """Parameters of the `call_args` codemod."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [  # what _something_to_do says
        {"required": ["set"], "properties": {"set": {"minProperties": 1}}},
        {"required": ["remove"], "properties": {"remove": {"minItems": 1}}},
    ]})

    callable: str = Field(
        description=(
            "The callable, as called or by its import path: `register_blueprint`, "
            "`app.register_blueprint`, `flask.json.dumps`."
        )
    )
    match_args: list[str] | None = Field(
        default=None,
        description="Only calls whose first positional arguments are this code (`[sse_bp]`).",
    )
    set: dict[str, str] = Field(
        default_factory=dict,
        description="Keyword -> its value as Python code (`{url_prefix: '\"/api/sse\"'}`).",
    )
    remove: list[str] = Field(default_factory=list, description="Keywords to take out.")
    imports: ImportLines = Field(
        default_factory=list,
        description="Import lines the new values need (`from app.api import sse_bp`).",
    )

    @field_validator("callable")
    @classmethod
    def _dotted(cls, value: str) -> str:
        if not DOTTED.match(value):
            raise ValueError(f"{value!r} is not a dotted name")
        return value

    @field_validator("set")
    @classmethod
    def _values(cls, value: dict[str, str]) -> dict[str, str]:
        for keyword, code in value.items():
            if not keyword.isidentifier():
                raise ValueError(f"{keyword!r} is not a keyword argument name")
            _expression(code, f"{keyword}: ")
        return value

    @field_validator("match_args")
    @classmethod
    def _args(cls, value: list[str] | None) -> list[str] | None:
        for code in value or []:
            _expression(code)
        return value

    @model_validator(mode="after")
    def _something_to_do(self) -> CallArgsConfig:
        if not self.set and not self.remove:
            raise ValueError("give `set`, `remove` or both")
        both = set(self.set) & set(self.remove)
        if both:
            raise ValueError(f"{min(both)!r} is both set and removed")
        return self


def _expression(code: str, where: str = "") -> None:
    try:
        cst.parse_expression(code)
    except cst.ParserSyntaxError as exc:
        raise ValueError(f"{where}{code!r} is not a Python expression") from exc


@register
class CallArgs(Codemod[CallArgsConfig]):
    name = "call_args"
    description = "Add, change or remove keyword arguments at the call sites of a callable."
    Config = CallArgsConfig

    @cached_property
    def leaf(self) -> str:
        return self.config.callable.rpartition(".")[2]

    def may_apply(self, source: str) -> bool:
        return self.leaf in source

    def transform(self, module: cst.Module, file: SourceFile) -> tuple[cst.Module, int]:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        context = CodemodContext(
            full_module_name=file.module, full_package_name=package_of(file), wrapper=wrapper
        )
        editor = _CallEditor(self.config, _imported_names(module, file), context)
        new = module.visit(editor)
        if not editor.rewrites:
            return module, 0
        for line in self.config.imports:
            for mod, obj, asname in parse_import_line(line):
                AddImportsVisitor.add_needed_import(context, mod, obj, asname)
        new = remove_scheduled_imports(new.visit(TopImportsAdder(context)), context)
        return place_new_imports(module, new, self.import_order, file), editor.rewrites


def _imported_names(module: cst.Module, file: SourceFile) -> dict[str, str]:
    """Local name -> what it imports (`dumps` -> `flask.json.dumps`), anywhere in the module."""
    names: dict[str, str] = {}
    for stmt in iter_statements(module.body):
        if isinstance(stmt, cst.Import):
            for alias in stmt.names:
                if alias.evaluated_alias:
                    names[alias.evaluated_alias] = alias.evaluated_name
                else:
                    head = alias.evaluated_name.partition(".")[0]
                    names[head] = head
        elif isinstance(stmt, cst.ImportFrom) and not isinstance(stmt.names, cst.ImportStar):
            base = import_from_module(stmt, file)
            if base is None:
                continue
            for alias in stmt.names:
                local = alias.evaluated_alias or alias.evaluated_name
                names[local] = f"{base}.{alias.evaluated_name}" if base else alias.evaluated_name
    return names


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


class _CallEditor(cst.CSTTransformer):
    def __init__(
        self, config: CallArgsConfig, imported: dict[str, str], context: CodemodContext
    ) -> None:
        super().__init__()
        self.config = config
        self.imported = imported
        self.context = context
        self.rewrites = 0
        self.match_args = [_code(cst.parse_expression(a)) for a in config.match_args or []]

    def _is_site(self, call: cst.Call) -> bool:
        written = dotted_name(call.func)
        if written is None:
            return False
        head, dot, rest = written.partition(".")
        resolved = self.imported.get(head)
        names = [written] + ([resolved + dot + rest] if resolved else [])
        target = self.config.callable
        if not any(n == target or n.endswith("." + target) for n in names):
            return False
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if len(positional) < len(self.match_args):
            return False
        return all(_code(a.value) == want for a, want in zip(positional, self.match_args))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not self._is_site(original_node):
            return updated_node
        args = list(updated_node.args)
        changed = False
        for keyword in self.config.remove:
            index = _keyword_index(args, keyword)
            if index is not None:
                old = next(a for a in original_node.args if _is_keyword(a, keyword))
                RemoveImportsVisitor.remove_unused_import_by_node(self.context, old.value)
                args = _without(args, index)
                changed = True
        for keyword, code in self.config.set.items():
            value = cst.parse_expression(code)
            index = _keyword_index(args, keyword)
            if index is None:
                args = _appended(updated_node, args, keyword, value)
                changed = True
            elif _code(args[index].value) != _code(value):
                old = next(a for a in original_node.args if _is_keyword(a, keyword))
                RemoveImportsVisitor.remove_unused_import_by_node(self.context, old.value)
                args[index] = args[index].with_changes(value=value)
                changed = True
        if not changed:
            return updated_node
        self.rewrites += 1
        return updated_node.with_changes(args=args)


def _is_keyword(arg: cst.Arg, keyword: str) -> bool:
    return arg.keyword is not None and arg.keyword.value == keyword


def _keyword_index(args: list[cst.Arg], keyword: str) -> int | None:
    return next((i for i, a in enumerate(args) if _is_keyword(a, keyword)), None)


def _without(args: list[cst.Arg], index: int) -> list[cst.Arg]:
    """`args` without one; the last keeps the comma (and line break) the call ends with."""
    out = args[:index] + args[index + 1 :]
    if index == len(args) - 1 and out:
        gone = args[index]
        out[-1] = out[-1].with_changes(
            comma=gone.comma, whitespace_after_arg=gone.whitespace_after_arg
        )
    return out


def _appended(
    call: cst.Call, args: list[cst.Arg], keyword: str, value: cst.BaseExpression
) -> list[cst.Arg]:
    """`args` and `keyword=value` after them, laid out as the call lays out its arguments."""
    arg = cst.Arg(
        keyword=cst.Name(keyword),
        value=value,
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )
    if not args:
        return [arg]
    last = args[-1]
    if len(args) > 1 and isinstance(args[-2].comma, cst.Comma):
        between = args[-2].comma
    elif isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        # one argument on its own line: the next one goes on its own line the same way
        between = cst.Comma(whitespace_after=call.whitespace_before_args)
    else:
        between = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    # the new last argument takes the call's ending: a trailing comma, a line break
    return [
        *args[:-1],
        last.with_changes(comma=between, whitespace_after_arg=cst.SimpleWhitespace("")),
        arg.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg),
    ]
