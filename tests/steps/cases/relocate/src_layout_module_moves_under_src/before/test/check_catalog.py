from unittest import mock

import svc.domain.catalog
from svc.domain.catalog import CatalogService


def test_catalog():
    with mock.patch("svc.domain.catalog.CatalogService"):
        assert svc.domain.catalog.CatalogService is not CatalogService
