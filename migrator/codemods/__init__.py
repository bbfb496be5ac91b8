"""LibCST codemods, one module each, and the runner that applies them to a tree.

Importing this package registers every codemod in `REGISTRY` under its plan name.
"""

from migrator.codemods.base import REGISTRY, Codemod, CodemodConfig, SourceFile, register

# registration happens on import; after `base` so the modules can import it
from migrator.codemods import (  # noqa: F401  isort: skip
    call_args,
    move,
    rebase,
    remove,
    rename,
    set_members,
)

__all__ = ["REGISTRY", "Codemod", "CodemodConfig", "SourceFile", "register"]
