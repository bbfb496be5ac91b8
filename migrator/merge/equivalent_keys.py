"""Settings a tool accepts under two spellings: the template's are put in the app's spelling.

ruff reads its lint settings either at the top of `[tool.ruff]` (`select`, `ignore`,
`[tool.ruff.isort]`: the only form ruff before 0.2 knows, and what apps pinned to it use)
or under `[tool.ruff.lint]`. Merging a template in one form into an app in the other would
add the same setting a second time beside the app's, and the app's pinned ruff refuses a
`lint` table it does not know. So before the merge the template's `[tool.ruff]` is rewritten
into the app's form; the app's values then win key by key as for any table. A setting the
app's form has no spelling for (`lint.preview`, `lint.exclude` are not the top-level
`preview`/`exclude`) is not merged, and the merge says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

RUFF_LINT_KEYS = frozenset({
    "allowed-confusables", "dummy-variable-rgx", "explicit-preview-rules", "extend-fixable",
    "extend-ignore", "extend-per-file-ignores", "extend-safe-fixes", "extend-select",
    "extend-unsafe-fixes", "external", "fixable", "ignore", "ignore-init-module-imports",
    "logger-objects", "per-file-ignores", "select", "task-tags", "typing-modules", "unfixable",
    # plugin sections
    "flake8-annotations", "flake8-bandit", "flake8-boolean-trap", "flake8-bugbear",
    "flake8-builtins", "flake8-comprehensions", "flake8-copyright", "flake8-errmsg",
    "flake8-gettext", "flake8-implicit-str-concat", "flake8-import-conventions",
    "flake8-pytest-style", "flake8-quotes", "flake8-self", "flake8-tidy-imports",
    "flake8-type-checking", "flake8-unused-arguments", "isort", "mccabe", "pep8-naming",
    "pycodestyle", "pydocstyle", "pyflakes", "pylint", "pyupgrade",
})
"""Lint settings ruff accepts both at the top of `[tool.ruff]` and under `[tool.ruff.lint]`."""


def ruff_lint_form(ruff: Mapping[str, Any]) -> str | None:
    """`lint` or `legacy`: where a `[tool.ruff]` keeps its lint settings; None: it has none."""
    if "lint" in ruff:
        return "lint"
    if any(key in RUFF_LINT_KEYS for key in ruff):
        return "legacy"
    return None


def ruff_in_form(ruff: Mapping[str, Any], form: str) -> tuple[dict[str, Any], list[str]]:
    """The template's `[tool.ruff]` with its lint settings in `form`, and what had no place."""
    lint_table = ruff.get("lint", {})
    lint = {k: v for k, v in ruff.items() if k in RUFF_LINT_KEYS}
    lint.update(lint_table if isinstance(lint_table, Mapping) else {})
    rest = {k: v for k, v in ruff.items() if k != "lint" and k not in RUFF_LINT_KEYS}
    if form == "lint":
        return {**rest, "lint": lint}, []
    kept = {k: v for k, v in lint.items() if k in RUFF_LINT_KEYS}
    dropped = [
        f"tool.ruff.lint.{key}: not merged (the app's [tool.ruff] uses the legacy top-level "
        "lint settings, which have no such key)"
        for key in lint if key not in RUFF_LINT_KEYS
    ]
    return {**rest, **kept}, dropped


def in_apps_form(app: Mapping[str, Any],
                 incoming: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`incoming` (the template's tables) with equivalent settings spelled as the app does."""
    app_ruff = app.get("tool", {}).get("ruff")
    tool = incoming.get("tool")
    if not isinstance(tool, Mapping):
        return incoming, []
    template_ruff = tool.get("ruff")
    if not isinstance(app_ruff, Mapping) or not isinstance(template_ruff, Mapping):
        return incoming, []
    form = ruff_lint_form(app_ruff)
    legacy_keys = any(key in RUFF_LINT_KEYS for key in template_ruff)
    if not ((form == "lint" and legacy_keys) or (form == "legacy" and "lint" in template_ruff)):
        return incoming, []
    ruff, dropped = ruff_in_form(template_ruff, form)
    return {**incoming, "tool": {**tool, "ruff": ruff}}, dropped
