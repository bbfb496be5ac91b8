"""The answers check."""

from __future__ import annotations

from migrator.verify.answers import AnswersCheck

ANSWERS = (
    "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n"
    "_commit: v0.1.0\n_src_path: ../../ModernAppTemplate/backend\n"
    "project_name: electronics-inventory\nuse_database: true\nuse_oidc: false\n"
)


def check(values, **more):
    return AnswersCheck.model_validate({"name": "answers", "values": values, **more})


def test_matching_values_pass(tmp_path, ctx):
    (tmp_path / ".copier-answers.yml").write_text(ANSWERS)
    result = check({"_commit": "v0.1.0", "use_database": True, "use_oidc": False}).run(ctx(tmp_path))
    assert result.passed
    assert result.summary == "3 answer(s) as expected in .copier-answers.yml"


def test_wrong_missing_and_mistyped_values_fail(tmp_path, ctx):
    (tmp_path / ".copier-answers.yml").write_text(ANSWERS)
    result = check({"project_name": "inventory", "use_s3": True, "use_database": "true"}).run(ctx(tmp_path))
    assert not result.passed
    assert result.summary == "3 of 3 answer(s) differ in .copier-answers.yml"
    assert result.evidence == [
        "project_name: 'electronics-inventory' (expected 'inventory')",
        "use_s3: missing (expected True)",
        "use_database: True (expected 'true')",
    ]


def test_missing_or_broken_file(tmp_path, ctx):
    assert check({"a": 1}).run(ctx(tmp_path)).summary == ".copier-answers.yml does not exist"
    (tmp_path / "answers.yml").write_text("a: [1\n")
    result = check({"a": 1}, file="answers.yml").run(ctx(tmp_path))
    assert not result.passed and result.summary.startswith("answers.yml is not valid YAML")
