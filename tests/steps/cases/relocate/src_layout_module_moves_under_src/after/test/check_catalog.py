from unittest import mock

import svc.catalog
from svc.catalog import CatalogService


def test_catalog():
    with mock.patch("svc.catalog.CatalogService"):
        assert svc.catalog.CatalogService is not CatalogService
