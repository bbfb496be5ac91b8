"""Every module of ``common/`` imports (a missing dependency or a broken render fails here)."""

import importlib
import pkgutil

import pytest

import common

MODULES = sorted(module.name for module in pkgutil.walk_packages(common.__path__, prefix="common."))


@pytest.mark.parametrize("module_name", MODULES)
def test_module_imports(module_name: str) -> None:
    importlib.import_module(module_name)
