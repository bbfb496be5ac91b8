"""LibCST codemods, one module each, and the runner that applies them to a tree."""

from migrator.codemods.base import REGISTRY, Codemod, CodemodConfig, SourceFile, register

__all__ = ["REGISTRY", "Codemod", "CodemodConfig", "SourceFile", "register"]
