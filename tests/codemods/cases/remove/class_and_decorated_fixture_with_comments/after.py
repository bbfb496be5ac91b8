"""Fixtures."""

import pytest


@pytest.fixture
def settings():
    return {"DEBUG": True}


@pytest.fixture
def client(settings):
    return settings
