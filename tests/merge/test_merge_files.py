"""pyproject / dotenv / lines merges on real-looking files: the app keeps what it has,
gains what the template adds, and no comment is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomlkit

from migrator.merge import merge_dotenv, merge_lines, merge_pyproject
from migrator.merge.dotenv import dotenv_variables
from migrator.merge.toml import poetry_entry

FILES = Path(__file__).parent / "files"


def read(name: str) -> str:
    return (FILES / name).read_text()


def comments(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.splitlines() if "#" in line and '"#' not in line]


# -- pyproject: poetry app, PEP 621 template -------------------------------------------------
@pytest.fixture(scope="module")
def poetry_merged():
    return merge_pyproject(read("app_pyproject.toml"), read("template_pyproject.toml"))


def test_poetry_app_keeps_every_line_and_comment(poetry_merged):
    app = read("app_pyproject.toml")
    merged = poetry_merged.text
    for line in app.splitlines():
        assert line in merged.splitlines()
    assert comments(app) == [c for c in comments(merged) if c in comments(app)]
    # the app's lines keep their order
    positions = [merged.splitlines().index(line) for line in app.splitlines() if line.strip()]
    assert positions == sorted(positions)


def test_template_requirements_become_poetry_entries_by_name(poetry_merged):
    doc = tomlkit.parse(poetry_merged.text)
    deps = doc["tool"]["poetry"]["dependencies"]
    # both declare these: the app's version wins (names compared normalised)
    assert deps["Flask"] == "^3.0.0" and "flask" not in deps
    assert deps["SQLAlchemy"] == "^2.0.23" and "sqlalchemy" not in deps
    assert deps["flask-cors"] == "^4.0.0"
    # only the template has these
    assert deps["prometheus-client"] == ">=0.20"
    assert deps["waitress"] == ">=3.0"
    assert deps["requests"] == "*"
    assert dict(deps["psycopg"]) == {"version": ">=3.1", "extras": ["binary"]}
    assert dict(deps["tomli"]) == {"version": ">=2", "markers": 'python_version < "3.11"'}
    dev = doc["tool"]["poetry"]["group"]["dev"]["dependencies"]
    assert dev["pytest"] == "^7.4.0"  # the app pins 7
    assert dict(dev["moto"]) == {"version": ">=5.0", "extras": ["server"]}
    assert doc["tool"]["poetry"]["scripts"]["app-migrate"] == "common.cli:migrate"


def test_poetry_app_keeps_its_identity_build_and_settings(poetry_merged):
    doc = tomlkit.parse(poetry_merged.text)
    assert "project" not in doc
    assert doc["tool"]["poetry"]["name"] == "electronics-inventory-backend"
    assert doc["build-system"]["requires"] == ["poetry-core"]
    assert doc["tool"]["ruff"]["line-length"] == 100  # app value wins
    assert doc["tool"]["ruff"]["extend-exclude"] == ["alembic"]  # template key added
    assert doc["tool"]["ruff"]["lint"]["select"] == ["E", "F", "I"]
    assert doc["tool"]["ruff"]["lint"]["ignore"] == ["E501"]
    assert doc["tool"]["mypy"]["strict"] is True
    assert doc["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests"]


def test_new_entries_sit_at_the_end_of_their_table(poetry_merged):
    text = poetry_merged.text
    assert (
        'pydantic-settings = "^2.1.0"\nprometheus-client = ">=0.20"\n'
        'psycopg = {version = ">=3.1", extras = ["binary"]}\n'
    ) in text
    assert "\n\n\n" not in text
    assert "[tool.mypy]\npython_version = \"3.11\"\nstrict = true\n\n[tool.pytest.ini_options]" in text


def test_merge_is_idempotent(poetry_merged):
    again = merge_pyproject(poetry_merged.text, read("template_pyproject.toml"))
    assert again.text == poetry_merged.text
    assert again.added == []


def test_added_lists_what_changed(poetry_merged):
    assert "tool.poetry.dependencies: psycopg[binary]>=3.1" in poetry_merged.added
    assert "tool.mypy" in poetry_merged.added
    assert not any("flask" in a.lower() and "cors" not in a.lower() for a in poetry_merged.added)


# -- pyproject: PEP 621 app ------------------------------------------------------------------
PEP621_APP = """\
[project]
name = "inventory"  # our name
dynamic = ["version"]
dependencies = [
    # web
    "Flask==3.0.0",
    "psycopg>=3.2",
]

[project.optional-dependencies]
dev = ["pytest>=8.1"]
"""


def test_pep621_lists_union_by_name_app_wins():
    merged = merge_pyproject(PEP621_APP, read("template_pyproject.toml"))
    doc = tomlkit.parse(merged.text)
    assert list(doc["project"]["dependencies"]) == [
        "Flask==3.0.0", "psycopg>=3.2", "flask-cors>=4.0", "sqlalchemy>=2.0",
        "prometheus-client>=0.20", "waitress>=3.0", "requests", "tomli>=2; python_version < '3.11'",
    ]
    assert list(doc["project"]["optional-dependencies"]["dev"]) == ["pytest>=8.1", "moto[server]>=5.0", "mypy>=1.10"]
    assert "version" not in doc["project"] and "description" not in doc["project"]
    assert doc["project"]["name"] == "inventory"
    assert "# our name" in merged.text and "    # web\n" in merged.text
    assert doc["build-system"]["requires"] == ["setuptools>=69"]  # the app had none


def test_poetry_entry_shapes():
    assert poetry_entry("requests") == ("requests", "*")
    assert poetry_entry("Flask>=3.0,<4") == ("Flask", "<4,>=3.0")
    name, value = poetry_entry("pkg @ https://example.com/pkg-1.0.tar.gz")
    assert (name, dict(value)) == ("pkg", {"url": "https://example.com/pkg-1.0.tar.gz"})


# -- dotenv ----------------------------------------------------------------------------------
def test_dotenv_adds_missing_variables_with_their_comments():
    app = read("app_env.example")
    merged = merge_dotenv(app, read("template_env.example"))
    assert merged.text.startswith(app)
    assert merged.text[len(app):] == (
        "\n"
        "# Comma-separated list of allowed origins\n"
        "CORS_ORIGINS=http://localhost:3000\n"
        "\n"
        "# Connection pool (PostgreSQL only)\n"
        "DB_POOL_SIZE=5\n"
        "DB_POOL_MAX_OVERFLOW=10\n"
        "\n"
        "# ---- Graceful shutdown ----\n"
        "\n"
        "# Seconds to wait for in-flight work on SIGTERM\n"
        "GRACEFUL_SHUTDOWN_TIMEOUT=30\n"
        "# Bearer token for /health/drain\n"
        "DRAIN_AUTH_KEY=\n"
        "\n"
        "S3_USE_SSL=false\n"
    )
    # the app's values are kept; a variable it documents commented out is not added again
    assert "SECRET_KEY=change-me" in merged.text and "SECRET_KEY=dev-secret" not in merged.text
    assert "S3_REGION=us-east-1" not in merged.text.replace("# S3_REGION", "")
    assert merged.added == [
        "CORS_ORIGINS", "DB_POOL_SIZE", "DB_POOL_MAX_OVERFLOW",
        "GRACEFUL_SHUTDOWN_TIMEOUT", "DRAIN_AUTH_KEY", "S3_USE_SSL",
    ]
    assert merge_dotenv(merged.text, read("template_env.example")).text == merged.text


def test_dotenv_variables_reads_assignments_exports_and_commented_ones():
    text = "# title\nA=1\nexport B=2\n# C=3\n#   not a var = x\n  D = 4\n"
    assert dotenv_variables(text) == ["A", "B", "C", "D"]


def test_dotenv_without_trailing_newline_and_empty_app():
    assert merge_dotenv("A=1", "B=2\n").text == "A=1\n\nB=2\n"
    assert merge_dotenv("", "# Title\n\n# b\nB=2\n").text == "# b\nB=2\n"


# -- lines -----------------------------------------------------------------------------------
def test_gitignore_union_in_order_with_comments():
    app = read("app_gitignore")
    merged = merge_lines(app, read("template_gitignore"))
    assert merged.text == app + (
        "\n*.py[cod]\n.venv/\n\n!.env.example\n\n# Tooling caches\n.mypy_cache/\n.ruff_cache/\n"
    )
    assert merged.added == ["*.py[cod]", ".venv/", "!.env.example", ".mypy_cache/", ".ruff_cache/"]
    assert merge_lines(merged.text, read("template_gitignore")).text == merged.text


def test_lines_keep_crlf_files_crlf():
    merged = merge_lines("a\r\nb\r\n", "b\nc\n")
    assert merged.text == "a\r\nb\r\n\r\nc\r\n"


def test_build_backend_tables_of_another_backend_are_not_carried_over():
    app = (
        '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.11"\n\n'
        '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
    )
    template = (
        '[project]\nname = "t"\ndependencies = ["flask"]\n\n'
        '[tool.setuptools.packages.find]\ninclude = ["common*"]\n\n'
        '[tool.ruff]\nline-length = 100\n\n'
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    )
    merged = merge_pyproject(app, template)
    document = tomlkit.parse(merged.text)
    assert "setuptools" not in document["tool"]
    assert document["tool"]["ruff"]["line-length"] == 100
    assert "flask" in document["tool"]["poetry"]["dependencies"]
    assert not any("setuptools" in added for added in merged.added)


# -- pyproject: the same setting spelled two ways (ruff's legacy and `lint.` forms) ------------
LEGACY_RUFF_APP = """\
[tool.ruff]
line-length = 100
# ruff 0.0.x reads lint settings at the top of [tool.ruff]
select = ["E", "F"]
ignore = ["E501"]

[tool.ruff.isort]
known-first-party = ["app"]

[tool.mypy]
strict = true
"""

LINT_RUFF_TEMPLATE = """\
[tool.ruff]
line-length = 100
extend-exclude = ["alembic/versions"]

[tool.ruff.lint]
select = ["E", "F", "W", "I"]
ignore = ["UP042"]
per-file-ignores = {"tests/*" = ["S101"]}
preview = true

[tool.ruff.lint.isort]
known-first-party = ["app", "common"]
known-third-party = ["alembic"]
"""


def test_a_legacy_ruff_app_gets_the_templates_lint_settings_in_its_own_form():
    merged = merge_pyproject(LEGACY_RUFF_APP, LINT_RUFF_TEMPLATE)
    ruff = tomlkit.parse(merged.text)["tool"]["ruff"]
    assert "lint" not in ruff, "an app pinned to a legacy ruff refuses [tool.ruff.lint]"
    assert ruff["select"] == ["E", "F"] and ruff["ignore"] == ["E501"], "the app's values win"
    assert ruff["per-file-ignores"] == {"tests/*": ["S101"]}
    assert ruff["extend-exclude"] == ["alembic/versions"]
    # isort's package lists are unions: the template's packages are the project's now
    assert ruff["isort"] == {"known-first-party": ["app", "common"], "known-third-party": ["alembic"]}
    assert "# ruff 0.0.x reads lint settings at the top of [tool.ruff]" in merged.text
    assert merged.added == [
        "tool.ruff.extend-exclude", "tool.ruff.per-file-ignores",
        "tool.ruff.isort.known-first-party: common", "tool.ruff.isort.known-third-party",
        ("tool.ruff.lint.preview: not merged (the app's [tool.ruff] uses the legacy top-level "
        "lint settings, which have no such key)"),
    ]
    assert merge_pyproject(merged.text, LINT_RUFF_TEMPLATE).text == merged.text


def test_a_lint_form_app_gets_a_legacy_templates_settings_under_lint():
    app = '[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint]\nselect = ["E"]\n'
    template = ('[tool.ruff]\nselect = ["E", "F"]\nunfixable = ["F401"]\n\n'
                '[tool.ruff.isort]\nknown-first-party = ["common"]\n')
    merged = merge_pyproject(app, template)
    ruff = tomlkit.parse(merged.text)["tool"]["ruff"]
    assert set(ruff) == {"line-length", "lint"}
    assert ruff["lint"] == {"select": ["E"], "unfixable": ["F401"],
                            "isort": {"known-first-party": ["common"]}}


def test_an_app_without_lint_settings_takes_the_templates_form():
    merged = merge_pyproject('[tool.ruff]\nline-length = 88\n', LINT_RUFF_TEMPLATE)
    ruff = tomlkit.parse(merged.text)["tool"]["ruff"]
    assert ruff["line-length"] == 88
    assert ruff["lint"]["select"] == ["E", "F", "W", "I"]
    assert ruff["lint"]["isort"]["known-third-party"] == ["alembic"]


def test_isort_package_lists_are_unions_in_every_spelling():
    """An app whose own package is not `app` (`svc`, in a src layout ruff does not search
    for `common`) keeps its list and gains the template's packages, so the files the
    template ships stay sorted for the app's ruff or isort."""
    app = (
        '[tool.ruff]\nsrc = ["src"]\nselect = ["I"]\n\n[tool.ruff.isort]\n'
        'known-first-party = ["svc", "app"]\n\n[tool.isort]\nknown_first_party = ["svc"]\n'
    )
    template = (
        '[tool.ruff.lint.isort]\nknown-first-party = ["app", "common"]\n'
        'known-third-party = ["alembic"]\n\n[tool.isort]\nknown_first_party = ["app", "common"]\n'
    )
    merged = merge_pyproject(app, template)
    document = tomlkit.parse(merged.text)
    assert document["tool"]["ruff"]["isort"]["known-first-party"] == ["svc", "app", "common"]
    assert document["tool"]["ruff"]["isort"]["known-third-party"] == ["alembic"]
    assert document["tool"]["isort"]["known_first_party"] == ["svc", "app", "common"]
    assert "tool.ruff.isort.known-first-party: common" in merged.added
    assert merge_pyproject(merged.text, template).text == merged.text
