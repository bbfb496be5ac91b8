"""Whether a name a codemod would write compiles where the codemod writes it.

`str.isidentifier()` accepts `None`, `class` and `__debug__`; a rename to one of them, or a
move to a dotted path with a keyword segment, produces code that does not compile. The
plan's validators ask these functions and refuse such names at plan load.
"""

from __future__ import annotations

import keyword

from pydantic.json_schema import JsonDict, JsonValue


def _compiles(source: str) -> bool:
    try:
        compile(source, "<name>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def binding_problem(name: str) -> str | None:
    """Why `name` cannot be defined, assigned and imported under that name, or None."""
    if not name.isidentifier():
        return f"{name!r} is not a Python identifier"
    if keyword.iskeyword(name):
        return f"{name!r} is a Python keyword, not a name"
    forms = (f"{name} = 1", f"def {name}(): pass", f"class {name}: pass",
             f"import m as {name}", f"from m import {name}")
    if not all(_compiles(form) for form in forms):
        return f"{name!r} is reserved in Python: not a usable identifier"
    return None


def dotted_problem(path: str) -> str | None:
    """Why the dotted path cannot be imported (`import a.b.c`, `from a.b import c`), or None."""
    for part in path.split("."):
        if not part.isidentifier():
            return f"{path!r} is not a dotted Python name"
        if keyword.iskeyword(part):
            return f"{path!r} has the Python keyword {part!r} as a segment"
    head, _, last = path.rpartition(".")
    forms = [f"import {path}"] + ([f"from {head} import {last}"] if head else [])
    if not all(_compiles(form) for form in forms):
        return f"{path!r} cannot be imported in Python"
    return None


# -- the same rules for the plan's JSON Schema (`migrate schema`), as far as a schema can say
_KEYWORDS = "|".join(sorted(keyword.kwlist))
DOTTED_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
"""`migrator.codemods.import_resolution.DOTTED`, as a JSON Schema pattern."""


def dotted_schema(*, min_segments: int = 1) -> JsonDict:
    """A dotted name with no keyword segment (and not ending in `__debug__`)."""
    pattern = DOTTED_PATTERN if min_segments < 2 else DOTTED_PATTERN.replace(")*$", ")+$")
    return {"type": "string", "pattern": pattern,
            "not": {"pattern": rf"(^|\.)({_KEYWORDS})(\.|$)|(^|\.)__debug__$"}}


def dotted_map_schema() -> JsonDict:
    """`{old.dotted: new.dotted}`: keys and values both dotted names."""
    return {"propertyNames": dotted_schema(), "additionalProperties": dotted_schema()}


def identifier_schema() -> JsonDict:
    """A name that can be bound: not a keyword nor `__debug__`, no ASCII character no
    identifier holds, no leading digit (non-ASCII letters are left to the loader)."""
    reserved: list[JsonValue] = [*sorted({*keyword.kwlist, "__debug__"})]
    return {"type": "string", "not": {"anyOf": [
        {"enum": reserved},
        {"pattern": r"[\s!-/:-@\[-^`{-~]|^[0-9]|^$"},
    ]}}
