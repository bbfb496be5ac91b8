"""Step kinds: one module each, registered under `STEP_KINDS` by their `kind`.

`load_step_kinds()` imports every step module of this package so each registers itself
with `@register_step` (see `registry.py`).
"""

from migrator.steps.base import StepContext, StepModel, StepOutcome
from migrator.steps.registry import STEP_KINDS, load_step_kinds, register_step

__all__ = [
    "STEP_KINDS",
    "StepContext",
    "StepModel",
    "StepOutcome",
    "load_step_kinds",
    "register_step",
]
