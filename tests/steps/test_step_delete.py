"""The delete step refuses while anything still names a deleted module, listing file:line."""

from __future__ import annotations

import pytest

from migrator.errors import StepFailed
from migrator.steps.delete import DeleteRefused, DeleteStep, module_of

APP = {
    "app/__init__.py": "",
    "app/services/__init__.py": "",
    "app/services/s3_service.py": "class S3Service:\n    pass\n",
    "app/services/s3_service_v2.py": "X = 1\n",
    "app/services/parts.py": "from app.services.s3_service_v2 import X\n",
    "tests/test_clean.py": 'TARGET = "app.services.s3_service_v2.boto3"\n',
}


def test_module_names_of_paths():
    assert module_of("app/services/s3_service.py") == "app.services.s3_service"
    assert module_of("app/services/__init__.py") == "app.services"
    assert module_of("app/services") == "app.services"
    assert module_of("app/templates/index.html") is None


def test_deletes_when_nothing_refers_and_reports_missing(tmp_path, make_repo, make_ctx):
    target = make_repo(tmp_path / "t", APP)
    outcome = DeleteStep.model_validate({"paths": ["app/services/s3_service.py", "app/gone.py"]}).apply(
        make_ctx(target)
    )
    assert not (target / "app/services/s3_service.py").exists()
    assert (target / "app/services/s3_service_v2.py").exists()
    assert outcome.summary == "deleted 1 of 2 path(s)"
    assert outcome.notes == ["app/gone.py: not found, nothing to delete"]


def test_missing_is_an_error_when_asked(tmp_path, make_repo, make_ctx):
    target = make_repo(tmp_path / "t", APP)
    with pytest.raises(StepFailed, match="app/gone.py not found"):
        DeleteStep.model_validate({"paths": ["app/gone.py"], "missing_ok": False}).apply(make_ctx(target))


@pytest.mark.parametrize(
    ("rel", "source", "line", "how"),
    [
        ("app/api/a.py", "import os\nimport app.services.s3_service\n", 2, "import"),
        ("app/api/b.py", "import app.services.s3_service as s3\n", 1, "import"),
        ("app/api/c.py", "\n\nfrom app.services.s3_service import S3Service\n", 3, "import"),
        ("app/api/d.py", "from app.services import parts, s3_service\n", 1, "import"),
        ("app/services/e.py", "from .s3_service import S3Service\n", 1, "import"),
        ("app/services/f.py", "from . import s3_service\n", 1, "import"),
        ("app/api/g.py", "def f():\n    from ..services.s3_service import S3Service\n", 2, "import"),
        ("tests/test_h.py", 'P = "app.services.s3_service.boto3.client"\n', 1, "string"),
        ("tests/test_i.py", "import importlib\nimportlib.import_module('app.services.s3_service')\n", 2, "string"),
        ("app/api/j.py", "import app.services\n\nx = app.services.s3_service.S3Service\n", 3, "attribute"),
        ("app/api/k.py", "if TYPE_CHECKING:\n    from app.services.s3_service import S3Service\n", 2, "import"),
    ],
)
def test_refuses_with_file_and_line(tmp_path, make_repo, make_ctx, rel, source, line, how):
    target = make_repo(tmp_path / "t", {**APP, rel: source})
    step = DeleteStep.model_validate({"paths": ["app/services/s3_service.py"]})
    with pytest.raises(DeleteRefused) as refused:
        step.apply(make_ctx(target))
    assert [(r.path, r.line, r.how) for r in refused.value.references] == [(rel, line, how)]
    assert f"{rel}:{line} ({how} " in str(refused.value)
    assert str(refused.value).startswith("delete refused: app.services.s3_service still referenced at ")
    assert (target / "app/services/s3_service.py").exists()


def test_untracked_files_count_ignored_ones_do_not(tmp_path, make_repo, make_ctx):
    target = make_repo(tmp_path / "t", {**APP, ".gitignore": "scratch/\n"})
    (target / "scratch").mkdir()
    (target / "scratch/old.py").write_text("import app.services.s3_service\n")
    (target / "new_untracked.py").write_text("from app.services import s3_service\n")
    with pytest.raises(DeleteRefused) as refused:
        DeleteStep.model_validate({"paths": ["app/services/s3_service.py"]}).apply(
            make_ctx(target)
        )
    assert [r.path for r in refused.value.references] == ["new_untracked.py"]


def test_files_deleted_together_do_not_block_each_other(tmp_path, make_repo, make_ctx):
    target = make_repo(tmp_path / "t", {**APP, "app/services/uses_s3.py": "from .s3_service import S3Service\n"})
    DeleteStep.model_validate(
        {"paths": ["app/services/s3_service.py", "app/services/uses_s3.py"]}
    ).apply(make_ctx(target))
    assert not (target / "app/services/uses_s3.py").exists()


def test_a_folder_is_a_package(tmp_path, make_repo, make_ctx):
    target = make_repo(tmp_path / "t", {**APP, "app/api/x.py": "from app.services.parts import X\n"})
    with pytest.raises(DeleteRefused, match=r"app/api/x.py:1 \(import 'app.services.parts'\)"):
        DeleteStep.model_validate({"paths": ["app/services/"]}).apply(make_ctx(target))


def test_a_file_that_does_not_parse_blocks_the_proof(tmp_path, make_repo, make_ctx):
    target = make_repo(tmp_path / "t", {**APP, "app/broken.py": "import app.services.s3_service\ndef f(:\n"})
    with pytest.raises(DeleteRefused, match=r"app/broken.py:2: .* \(does not parse, cannot be checked\)"):
        DeleteStep.model_validate({"paths": ["app/services/s3_service.py"]}).apply(make_ctx(target))


def test_a_docstring_mentioning_the_module_does_not_block(tmp_path, make_repo, make_ctx):
    """The customer's case: prose `app.container = container` blocked deleting app.container."""
    target = make_repo(tmp_path / "t", {
        **APP,
        "app/container.py": "X = 1\n",
        "app/factory.py": '"""Sets ``app.container = container`` for the routes."""\n',
    })
    outcome = DeleteStep.model_validate({"paths": ["app/container.py"]}).apply(make_ctx(target))
    assert not (target / "app/container.py").exists()
    assert outcome.notes == [
        ("ignored app/factory.py:1: docstring 'Sets ``app.container = container`` for the "
        "routes.' mentions app.container (not a whole dotted value)")]


def test_src_layout_modules_are_named_as_they_are_imported(tmp_path, make_repo, make_ctx):
    """`src/svc/infra/blobstore.py` is the module `svc.infra.blobstore`: a relative import
    of it from `src/svc/di.py` blocks the delete, under that name."""
    target = make_repo(tmp_path / "t", {
        "src/svc/__init__.py": "",
        "src/svc/infra/__init__.py": "",
        "src/svc/infra/blobstore.py": "class BlobStore: ...\n",
        "src/svc/di.py": "from .infra.blobstore import BlobStore\n",
        "test/test_store.py": "import svc.infra.blobstore\n",
    })
    step = DeleteStep.model_validate({"paths": ["src/svc/infra/blobstore.py"]})
    with pytest.raises(DeleteRefused) as refused:
        step.apply(make_ctx(target))
    assert [(r.path, r.line) for r in refused.value.references] == [
        ("src/svc/di.py", 1), ("test/test_store.py", 1)]
    assert str(refused.value).startswith("delete refused: svc.infra.blobstore still referenced")
