"""The step kinds a plan may use, keyed by the YAML key that selects them.

A step kind registers itself with the `@register_step` class decorator in its own module
under `migrator/steps/`; `load_step_kinds()` imports every such module so the decorator
runs. A module added to the package is picked up without editing a list.
"""

from __future__ import annotations

import importlib
import pkgutil

from migrator.steps.base import StepModel

STEP_KINDS: dict[str, type[StepModel]] = {}

_NOT_KINDS = {"base", "registry"}


def register_step(cls: type[StepModel]) -> type[StepModel]:
    """Class decorator: make `cls` available to plans under the key `cls.kind`."""
    STEP_KINDS[cls.kind] = cls
    return cls


def load_step_kinds() -> dict[str, type[StepModel]]:
    """Import every step module of the package and return the registry."""
    import migrator.steps as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in _NOT_KINDS and not info.name.startswith("_"):
            importlib.import_module(f"{package.__name__}.{info.name}")
    return STEP_KINDS
