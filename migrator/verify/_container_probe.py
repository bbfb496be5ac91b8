"""Run by the `container` check in the app's interpreter: build the container, prove its wiring.

A standalone script (it imports nothing from the migrator, which the app's environment
does not have): `python _container_probe.py SPEC` with SPEC a JSON object

    {"container": "app.container.AppContainer", "settings": "app.config.Settings" | null,
     "settings_provider": "config", "packages": ["app"]}

run with the app's folder as the working directory. It prints one line, MARKER + JSON:

    {"error": "..."}                                      the container could not be built
    {"singletons": {name: [dependents]}, "inline": n,     what it proved, and what is wrong
     "markers": n, "modules": n, "problems": ["..."]}

Singletons: the container class (with everything it inherits) is read as
dependency-injector builds instances from it. A provider that depends on a Singleton which
is neither one of the container's named providers nor an inline one, but a provider some
base class declares under a name the container re-declares, gets a second instance: that
is a problem. Markers: every `Provide[...]`/`Provider[...]` written in the packages' modules
is evaluated in its module and resolved against the built container the way
`container.wire()` resolves it; one that resolves to nothing is a problem.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import sys
import traceback

MARKER = "@@migrator-container-probe@@ "
MARKER_NAMES = ("Provide", "Provider")


def load(dotted):
    """The object `pkg.module.Name` or `pkg.module:Name.attr` names (`:` ends the module)."""
    if ":" in dotted:
        module_name, _, path = dotted.partition(":")
    else:
        module_name, _, path = dotted.rpartition(".")
    value = importlib.import_module(module_name)
    for attribute in path.split("."):
        value = getattr(value, attribute)
    return value


def short(exc):
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


# -- singletons -------------------------------------------------------------------------------
def singleton_report(container_cls, providers):
    """({name: [dependents]}, inline count, problems) for the container class."""
    named = {}
    for name, provider in container_cls.providers.items():
        named.setdefault(id(provider), name)
    declared = {}  # id(provider) -> "Class.name" of the class body that declared it
    for klass in container_cls.__mro__:
        for name, provider in getattr(klass, "cls_providers", {}).items():
            declared.setdefault(id(provider), f"{klass.__name__}.{name}")
    shared = {
        name: [] for name, provider in container_cls.providers.items()
        if isinstance(provider, providers.BaseSingleton) and named[id(provider)] == name
    }
    inline = set()
    problems = []
    for name, provider in container_cls.providers.items():
        for dependency in direct_singletons(provider, named, providers):
            key = id(dependency)
            if key in named:
                if name not in shared[named[key]] and named[key] != name:
                    shared[named[key]].append(name)
            elif key in declared:
                origin = declared[key]
                own = origin.rpartition(".")[2]
                problems.append(
                    f"{name} receives {origin}, not the container's {own}: a second "
                    f"{_provides(dependency)} instance (re-declared in "
                    f"{container_cls.__name__}; build {name} from the re-declared provider)"
                )
            else:
                inline.add(key)
    return shared, len(inline), problems


def direct_singletons(provider, named, providers):
    """The Singletons `provider` uses itself: through inline helpers (`.provided`, calls),
    not through another named provider (that one's are reported under its own name)."""
    stack, seen = list(provider.related), set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, providers.BaseSingleton):
            yield current
        elif id(current) not in named:
            stack.extend(current.related)


def _provides(provider):
    provides = getattr(provider, "provides", None)
    return getattr(provides, "__name__", None) or type(provider).__name__


# -- Provide[...] markers ---------------------------------------------------------------------
def module_files(packages, roots=()):
    """(module name, path) of every Python file of the packages (or modules) named, in the
    app's folder or under one of its source roots (`src/` of a src layout)."""
    found = []
    for package in packages:
        stem = os.path.join(*package.split("."))
        base = next((candidate for candidate in (stem, *(os.path.join(r, stem) for r in roots))
                     if os.path.isfile(candidate + ".py") or os.path.isdir(candidate)), stem)
        prefix = len(base.split(os.sep)) - len(package.split("."))  # the source root's parts
        if os.path.isfile(base + ".py"):
            found.append((package, base + ".py"))
            continue
        for folder, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
            for file in sorted(files):
                if file.endswith(".py"):
                    path = os.path.join(folder, file)
                    parts = path[: -len(".py")].split(os.sep)[prefix:]
                    if parts[-1] == "__init__":
                        parts.pop()
                    found.append((".".join(parts), path))
    return found


def marker_nodes(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            value = node.value
            name = value.id if isinstance(value, ast.Name) else getattr(value, "attr", None)
            if name in MARKER_NAMES:
                yield node


def marker_report(container, name, packages, wiring, roots=()):
    """(markers checked, modules with markers, problems)."""
    providers_map = wiring.ProvidersMap(container)
    checked, modules, problems = 0, 0, []
    for module_name, path in module_files(packages, roots):
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        if not any(f"{name}[" in source for name in MARKER_NAMES):
            continue
        try:
            tree = ast.parse(source, filename=path)
        except SyntaxError as exc:
            problems.append(f"{path}:{exc.lineno}: does not parse: {exc.msg}")
            continue
        nodes = list(marker_nodes(tree))
        if not nodes:
            continue
        try:
            namespace = vars(importlib.import_module(module_name))
        except Exception as exc:  # noqa: BLE001 - the app's import error is the evidence
            problems.append(f"{path}: cannot import {module_name}: {short(exc)}")
            continue
        modules += 1
        for node in nodes:
            text = ast.get_source_segment(source, node) or "Provide[...]"
            where = f"{path}:{node.lineno}: {' '.join(text.split())}"
            try:
                # the app's own expression, in its own module: what Python evaluated at import
                marker = eval(compile(ast.Expression(node), path, "eval"), namespace)
            except Exception as exc:  # noqa: BLE001 - reported with the marker
                problems.append(f"{where}: cannot be evaluated ({short(exc)})")
                continue
            if not getattr(marker, "__IS_MARKER__", False):
                continue
            checked += 1
            try:
                resolved = providers_map.resolve_provider(marker.provider, marker.modifier)
            except Exception as exc:  # noqa: BLE001 - e.g. a modifier that does not apply
                problems.append(f"{where}: does not resolve ({short(exc)})")
                continue
            if resolved is None:
                problems.append(
                    f"{where}: resolves to no provider of {name} "
                    "(wiring would leave the marker in place of the service)"
                )
    return checked, modules, problems


def probe(spec):
    from dependency_injector import containers, providers, wiring

    container_cls = load(spec["container"])
    if not (isinstance(container_cls, type)
            and issubclass(container_cls, containers.DeclarativeContainer)):
        return {"error": f"{spec['container']} is not a DeclarativeContainer subclass"}
    container = container_cls()
    if spec.get("settings"):
        settings = load(spec["settings"])()
        provider = getattr(container, spec["settings_provider"], None)
        if not isinstance(provider, providers.Provider):
            return {"error": f"{container_cls.__name__} has no provider "
                             f"{spec['settings_provider']!r} to give the settings to"}
        provider.override(settings)
    shared, inline, problems = singleton_report(container_cls, providers)
    checked, modules, marker_problems = marker_report(
        container, container_cls.__name__, spec["packages"], wiring, spec.get("source_roots", []))
    return {"singletons": shared, "inline": inline, "markers": checked, "modules": modules,
            "problems": problems + marker_problems}


def main():
    # Python put this script's folder first on sys.path, where the migrator's own `http.py`
    # would shadow the standard library's for the app: the app's folder goes there instead.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        sys.path[0] = os.getcwd()
    spec = json.loads(sys.argv[1])
    roots = spec.get("source_roots", [])
    sys.path[1:1] = [os.path.join(os.getcwd(), root) for root in roots]
    try:
        result = probe(spec)
    except Exception as exc:  # noqa: BLE001 - any failure to build is the check's evidence
        lines = traceback.format_exc().rstrip().splitlines()
        result = {"error": short(exc), "traceback": lines[-12:]}
    print(MARKER + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
