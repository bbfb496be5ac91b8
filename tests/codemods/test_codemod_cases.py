"""Before/after cases for every codemod, one folder each.

`cases/<codemod>/<case>/` holds `before.py`, `after.py` and `params.yaml`:

    path: app/services/x.py      # where before.py sits in the tree (default app/example.py)
    params: {moves: {...}}       # the codemod's parameters, exactly as a plan step gives them

and optionally `tree/`, files laid out in the target around before.py (the base classes a
`rebase` reads, modules that tell `move` a name is a module, a `pyproject.toml` with the
import settings; without one, the template's: line length 100, `app` and `common` first
party). Files are compared as bytes, so CRLF and encodings count.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import libcst as cst
import pytest
import yaml

from migrator.codemods import REGISTRY, Codemod, move
from migrator.codemods.runner import transform_files

CASES = Path(__file__).parent / "cases"
DEFAULT_PYPROJECT = """\
[tool.ruff]
line-length = 100

[tool.ruff.lint.isort]
known-first-party = ["app", "common"]
"""
"""The import settings of a case whose tree has no pyproject.toml (the template's)."""


def _case_dirs() -> list[Path]:
    return sorted(p.parent for p in CASES.glob("*/*/params.yaml"))


def _case_id(case: Path) -> str:
    return f"{case.parent.name}/{case.name}"


def _load(case: Path, tmp_path: Path) -> tuple[Codemod, str]:
    spec = yaml.safe_load((case / "params.yaml").read_text()) or {}
    if (case / "tree").is_dir():
        shutil.copytree(case / "tree", tmp_path, dirs_exist_ok=True)
    path = spec.get("path", "app/example.py")
    # the file's own package is on disk, as in a real tree (isort finds first party so)
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    if not (tmp_path / "pyproject.toml").exists():
        (tmp_path / "pyproject.toml").write_text(DEFAULT_PYPROJECT)
    cls = REGISTRY[case.parent.name]
    codemod = cls(cls.Config(**spec.get("params", {})), tmp_path)
    return codemod, path


def _run(codemod: Codemod, path: str, raw: bytes) -> tuple[bytes, dict[str, int]]:
    [result] = transform_files([codemod], [(path, raw)])
    assert result.parse_error is None and result.crash is None, result
    return (result.new if result.new is not None else raw), result.counts


@pytest.mark.parametrize("case", _case_dirs(), ids=_case_id)
def test_case(case: Path, tmp_path: Path) -> None:
    codemod, path = _load(case, tmp_path)
    before = (case / "before.py").read_bytes()
    expected = (case / "after.py").read_bytes()
    got, counts = _run(codemod, path, before)
    assert got.decode(errors="replace") == expected.decode(errors="replace")
    assert got == expected
    assert bool(counts) == (before != expected)


@pytest.mark.parametrize("case", _case_dirs(), ids=_case_id)
def test_after_is_fixed_point(case: Path, tmp_path: Path) -> None:
    """Idempotence: every expected output passes through unchanged, with no rewrites."""
    codemod, path = _load(case, tmp_path)
    after = (case / "after.py").read_bytes()
    got, counts = _run(codemod, path, after)
    assert got == after
    assert counts == {}


_RENAMING_CASES = [c for c in _case_dirs() if c.parent.name in ("move", "rename")]


@pytest.mark.parametrize("case", _RENAMING_CASES, ids=_case_id)
def test_same_result_without_the_syntactic_rename_check(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan that spares renamed imports the scope analysis decides as it would."""
    codemod, path = _load(case, tmp_path)
    before = (case / "before.py").read_bytes()
    monkeypatch.setattr(move, "_unshadowed", lambda code, name, imports: False)
    got, counts = _run(codemod, path, before)
    assert got == (case / "after.py").read_bytes()
    assert bool(counts) == (got != before)


@pytest.mark.parametrize("case", _RENAMING_CASES, ids=_case_id)
def test_same_result_when_every_statement_is_visited(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Skipping the statements that mention nothing of the moves changes no output."""
    codemod, path = _load(case, tmp_path)
    before = (case / "before.py").read_bytes()
    monkeypatch.setattr(move, "quiet_statements", lambda module, text, words: set())
    got, counts = _run(codemod, path, before)
    assert got == (case / "after.py").read_bytes()
    assert bool(counts) == (got != before)


@pytest.mark.parametrize("case", _case_dirs(), ids=_case_id)
def test_after_compiles(case: Path) -> None:
    after = (case / "after.py").read_bytes()
    compile(cst.parse_module(after).code, str(case / "after.py"), "exec")


def test_enough_cases() -> None:
    per_codemod: dict[str, int] = {}
    for case in _case_dirs():
        per_codemod[case.parent.name] = per_codemod.get(case.parent.name, 0) + 1
    assert sum(per_codemod.values()) >= 80, per_codemod
    assert per_codemod.get("move", 0) >= 50, per_codemod
    assert set(per_codemod) == set(REGISTRY), per_codemod
