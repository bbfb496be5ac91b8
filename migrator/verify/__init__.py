"""Check kinds: one module each, registered under `CHECK_KINDS` by their `kind`.

`load_check_kinds()` imports every check module of this package so each registers itself
with `@register_check` (see `registry.py`).
"""

from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.registry import CHECK_KINDS, load_check_kinds, register_check

__all__ = [
    "CHECK_KINDS",
    "CheckContext",
    "CheckModel",
    "CheckResult",
    "load_check_kinds",
    "register_check",
]
