"""The URL each route of a project answers on, from its decorators and blueprint registrations.

A blueprint's prefix is the `url_prefix` of the `register_blueprint` call that mounts it
(Flask's rule: it replaces the blueprint's own), else its own; a blueprint mounted on
another blueprint gets the parent's prefix in front. `<int:id>` and `<id>` compare equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from migrator.init.definitions import ModuleIndex, Registration
from migrator.init.project import Project

_CONVERTER = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Endpoint:
    module: str
    function: str
    method: str
    path: str

    def describe(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def pattern(self) -> re.Pattern[str]:
        parts = [re.escape(p) for p in _CONVERTER.split(self.path)]
        return re.compile("[^/]+".join(parts) + r"/?\Z")

    @property
    def has_parameters(self) -> bool:
        return bool(_CONVERTER.search(self.path))


def normalised(path: str) -> str:
    return _CONVERTER.sub("<>", path)


def _join(prefix: str, rule: str) -> str:
    joined = "/".join(p.strip("/") for p in (prefix, rule) if p.strip("/"))
    return "/" + joined if joined else "/"


def _resolve(project: Project, where: ModuleIndex, local: str) -> tuple[str, str] | None:
    """`sse_bp` or `sse_api.sse_bp` in module `where` -> (defining module, variable)."""
    head, _, rest = local.partition(".")
    dotted = where.imports.get(head)
    full = (f"{dotted}.{rest}" if rest else dotted) if dotted else f"{where.module}.{local}"
    module, _, name = full.rpartition(".")
    index = project.modules.get(module)
    if index is not None and name in index.blueprints:
        return module, name
    return None


def blueprint_prefixes(project: Project) -> dict[tuple[str, str], str]:
    """(module, blueprint variable) -> the URL prefix it is served under."""
    mounts: dict[tuple[str, str], tuple[Registration, ModuleIndex]] = {}
    for index in project.modules.values():
        for registration in index.registrations:
            key = _resolve(project, index, registration.blueprint)
            if key is not None:
                mounts.setdefault(key, (registration, index))

    prefixes: dict[tuple[str, str], str] = {}

    def prefix_of(key: tuple[str, str], depth: int = 0) -> str:
        if key in prefixes:
            return prefixes[key]
        module, name = key
        own = project.modules[module].blueprints[name].url_prefix
        mount = mounts.get(key)
        if mount is None or depth > 10:
            prefixes[key] = own or ""
            return prefixes[key]
        registration, where = mount
        parent = _resolve(project, where, registration.receiver)
        local = registration.url_prefix if registration.url_prefix is not None else own
        outer = prefix_of(parent, depth + 1) if parent is not None else ""
        prefixes[key] = _join(outer, local or "") if (outer or local) else ""
        return prefixes[key]

    for index in project.modules.values():
        for name in index.blueprints:
            prefix_of((index.module, name))
    return prefixes


def endpoints(project: Project) -> list[Endpoint]:
    """Every route of the project's (non-test) modules with its full path."""
    prefixes = blueprint_prefixes(project)
    found: list[Endpoint] = []
    for index in project.code.values():
        for function in index.functions.values():
            for route in function.routes:
                key = _resolve(project, index, route.blueprint)
                prefix = prefixes.get(key, "") if key is not None else ""
                for method in route.methods:
                    found.append(Endpoint(index.module, function.name, method,
                                          _join(prefix, route.rule)))
    return found


def endpoint_for(request_method: str, path: str, table: list[Endpoint]) -> Endpoint | None:
    """The route a test client request reaches (`*` stands for an f-string placeholder): the
    one with the same method, else one serving the path with another (Flask answers 405)."""
    plain = path.split("?", 1)[0].replace("*", "x")
    served = [e for e in table if e.pattern.match(plain)]
    return next((e for e in served if e.method == request_method), served[0] if served else None)
