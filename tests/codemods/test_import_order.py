"""The project's isort settings, read from ruff's or isort's configuration (issue 10, item 3).

Where each tool keeps them, which wins, and where an import goes by them. The placement
itself is checked by the before/after cases (a `pyproject.toml`, `ruff.toml` or
`.isort.cfg` in a case's `tree/`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.codemods.import_order import SECTIONS, ImportOrder


def _project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _section(order: ImportOrder, module: str, level: int = 0, package: str | None = None) -> str:
    return SECTIONS[order.section(module, level, package)]


@pytest.mark.parametrize(
    ("files", "source", "length", "first_party"),
    [
        (
            {"pyproject.toml": '[tool.ruff]\nline-length = 100\n[tool.ruff.lint.isort]\n'
                               'known-first-party = ["inventory"]\n'},
            "pyproject.toml [tool.ruff.lint.isort]", 100, "inventory",
        ),
        (
            {"pyproject.toml": '[tool.ruff]\n[tool.ruff.isort]\nknown-first-party = ["inventory"]\n'},
            "pyproject.toml [tool.ruff.isort]", 88, "inventory",
        ),
        (
            {"ruff.toml": 'line-length = 120\n[lint.isort]\nknown-first-party = ["inventory"]\n',
             "pyproject.toml": '[tool.ruff]\nline-length = 70\n'},
            "ruff.toml [lint.isort]", 120, "inventory",
        ),
        (
            {".ruff.toml": '[lint.isort]\nknown-first-party = ["inventory"]\n',
             "ruff.toml": "line-length = 120\n"},
            ".ruff.toml [lint.isort]", 88, "inventory",
        ),
        (
            {"pyproject.toml": '[tool.isort]\nprofile = "black"\nknown_first_party = ["inventory"]\n'},
            "pyproject.toml [tool.isort]", 88, "inventory",
        ),
        (
            {".isort.cfg": "[settings]\nknown_first_party = inventory,tools\nline_length = 99\n"},
            ".isort.cfg [settings]", 99, "tools",
        ),
        (
            {"setup.cfg": "[tool:isort]\nknown_first_party =\n    inventory\n"},
            "setup.cfg [isort]", 79, "inventory",
        ),
        (
            {"tox.ini": "[isort]\nknown_first_party = inventory\n"},
            "tox.ini [isort]", 79, "inventory",
        ),
    ],
    ids=["ruff-lint-isort", "ruff-legacy-isort", "ruff-toml-first", "dot-ruff-toml-first",
         "isort-pyproject", "isort-cfg", "setup-cfg", "tox-ini"],
)
def test_settings_are_read_where_the_tool_keeps_them(
    tmp_path: Path, files: dict[str, str], source: str, length: int, first_party: str
) -> None:
    order = ImportOrder.of(_project(tmp_path, files))
    assert order.source == source
    assert order.line_length == length
    assert _section(order, f"{first_party}.models") == "first-party"
    assert _section(order, "requests") == "third-party"


def test_without_settings_the_defaults_find_the_projects_own_packages(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/__init__.py": "", "app/models.py": "", "src/lib/x.py": ""})
    order = ImportOrder.of(root)
    assert order.source == "defaults"
    assert _section(order, "__future__") == "future"
    assert _section(order, "os.path") == "standard-library"
    assert _section(order, "app.models") == "first-party"
    assert _section(order, "lib.x") == "first-party"
    assert _section(order, "flask") == "third-party"
    assert _section(order, "models", level=1) == "local-folder"


def test_known_settings_win_and_the_longest_prefix_decides(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "alembic/env.py": "",
        "pyproject.toml": '[tool.ruff.lint.isort]\nknown-third-party = ["alembic", "app.vendored"]\n'
                          'known-first-party = ["app"]\nextra-standard-library = ["tomli"]\n'
                          'known-local-folder = ["scripts"]\n',
    })
    order = ImportOrder.of(root)
    assert _section(order, "alembic") == "third-party"  # although alembic/ is in the project
    assert _section(order, "app.vendored.six") == "third-party"
    assert _section(order, "app.models") == "first-party"
    assert _section(order, "tomli") == "standard-library"
    assert _section(order, "scripts.seed") == "local-folder"


def test_ruff_finds_the_whole_module_isort_its_top_level_name(tmp_path: Path) -> None:
    files = {"common/__init__.py": "", "common/core/__init__.py": "", "common/core/app.py": ""}
    ruff = ImportOrder.of(_project(tmp_path / "ruff", {**files, "ruff.toml": ""}))
    isort = ImportOrder.of(_project(tmp_path / "isort", {**files, ".isort.cfg": "[settings]\n"}))
    assert _section(ruff, "common.core.app") == "first-party"
    assert _section(ruff, "common.core.missing") == "third-party"
    assert _section(isort, "common.core.missing") == "first-party"
    # ruff counts the file's own package as first party
    assert _section(ruff, "app.models", package="app") == "first-party"
    assert _section(isort, "app.models", package="app") == "third-party"


def test_flags_and_sort_keys(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "pyproject.toml": "[tool.ruff.lint.isort]\nforce-sort-within-sections = true\n"
                          "case-sensitive = true\norder-by-type = false\n",
    })
    order = ImportOrder.of(root)
    assert order.flags["force-sort-within-sections"]
    names = ["helper", "Widget", "CONSTANT", "alpha", "Apple"]
    assert sorted(names, key=order.name_key) == ["Apple", "CONSTANT", "Widget", "alpha", "helper"]
    default = ImportOrder.of(tmp_path / "elsewhere")
    assert sorted(names, key=default.name_key) == [
        "CONSTANT", "Apple", "Widget", "alpha", "helper",
    ]
    assert sorted(["b", "a", "Zeta", "MAX_SIZE"], key=default.name_key) == [
        "MAX_SIZE", "Zeta", "a", "b",
    ]
    assert sorted(["mod10", "mod2", "Mod3"], key=default.module_key) == ["mod2", "Mod3", "mod10"]
    # straight imports first, unless force-sort-within-sections
    plain = default.line_key("b", 0, False, ())
    from_a = default.line_key("a", 0, True, ())
    assert plain < from_a
    assert order.line_key("a", 0, True, ()) < order.line_key("b", 0, False, ())
