"""The codemod step with a trivial codemod registered by the test."""

from __future__ import annotations

import libcst as cst
import pytest
from pydantic import ValidationError

from migrator.codemods.base import REGISTRY, Codemod, CodemodConfig, SourceFile, register
from migrator.errors import CodemodParseError
from migrator.steps.codemod import CodemodStep


class RenameNameConfig(CodemodConfig):
    old: str
    new: str


class _Renamer(cst.CSTTransformer):
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new, self.count = old, new, 0

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if updated.value == self.old:
            self.count += 1
            return updated.with_changes(value=self.new)
        return updated


class RenameName(Codemod[RenameNameConfig]):
    name = "test-rename-name"
    description = "Rename every Name `old` to `new` (test codemod)."
    Config = RenameNameConfig

    def may_apply(self, source: str) -> bool:
        return self.config.old in source

    def transform(self, module: cst.Module, file: SourceFile) -> tuple[cst.Module, int]:
        renamer = _Renamer(self.config.old, self.config.new)
        return module.visit(renamer), renamer.count


@pytest.fixture(autouse=True)
def _registered():
    """Registered for these tests only, so other tests see the real registry."""
    register(RenameName)
    yield
    REGISTRY.pop(RenameName.name, None)


def step(**params):
    return CodemodStep.model_validate({"codemod": "test-rename-name", **params})


def test_rewrites_and_reports_counts_per_file(tmp_path, make_repo, make_ctx):
    target = make_repo(tmp_path / "t", {
        "app/a.py": "old = 1\nprint(old)  # keep this comment\n",
        "app/b.py": "x = 2\n",
        "app/c.py": "def f(old):\n    return old\n",
    })
    outcome = step(old="old", new="fresh", name="rename it").apply(make_ctx(target))
    assert (target / "app/a.py").read_text() == "fresh = 1\nprint(fresh)  # keep this comment\n"
    assert (target / "app/b.py").read_text() == "x = 2\n"
    assert outcome.rewrites == {
        "app/a.py": {"test-rename-name": 2},
        "app/c.py": {"test-rename-name": 2},
    }
    assert outcome.summary == "test-rename-name: rewrote 2 file(s), 4 rewrite(s) (2 of 3 files parsed)"


def test_preview_writes_nothing(tmp_path, make_repo, make_ctx):
    target = make_repo(tmp_path / "t", {"a.py": "old = 1\n"})
    outcome = step(old="old", new="new").preview(make_ctx(target))
    assert outcome.rewrites == {"a.py": {"test-rename-name": 1}}
    assert (target / "a.py").read_text() == "old = 1\n"


def test_parameters_are_validated_by_the_codemods_config():
    with pytest.raises(ValidationError) as bad:
        step(old="old", nwe="typo")
    assert {(e["loc"], e["type"]) for e in bad.value.errors()} == {
        (("new",), "missing"), (("nwe",), "extra_forbidden"),
    }
    model = step(old="a", new="b", name="n", why="w", files=["app/*.py"])
    assert (model.name, model.why, model.config.files) == ("n", "w", ["app/*.py"])


def test_unknown_codemod_is_refused():
    with pytest.raises(ValidationError, match="unknown codemod 'nope'"):
        CodemodStep.model_validate({"codemod": "nope"})


def test_a_file_that_does_not_parse_fails_before_writing(tmp_path, make_repo, make_ctx):
    target = make_repo(tmp_path / "t", {"a.py": "old = 1\n", "b.py": "old = (\n"})
    with pytest.raises(CodemodParseError, match="b.py:"):
        step(old="old", new="new").apply(make_ctx(target))
    assert (target / "a.py").read_text() == "old = 1\n"
