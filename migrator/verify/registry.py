"""The check kinds a plan's `verify:` list may use, keyed by the YAML key that selects them.

A check kind registers itself with the `@register_check` class decorator in its own module
under `migrator/verify/`; `load_check_kinds()` imports every such module so the decorator
runs. A module added to the package is picked up without editing a list.
"""

from __future__ import annotations

import importlib
import pkgutil

from migrator.verify.base import CheckModel

CHECK_KINDS: dict[str, type[CheckModel]] = {}

_NOT_KINDS = {"base", "registry"}


def register_check(cls: type[CheckModel]) -> type[CheckModel]:
    """Class decorator: make `cls` available to plans under the key `cls.kind`."""
    CHECK_KINDS[cls.kind] = cls
    return cls


def load_check_kinds() -> dict[str, type[CheckModel]]:
    """Import every check module of the package and return the registry."""
    import migrator.verify as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in _NOT_KINDS and not info.name.startswith("_"):
            importlib.import_module(f"{package.__name__}.{info.name}")
    return CHECK_KINDS
