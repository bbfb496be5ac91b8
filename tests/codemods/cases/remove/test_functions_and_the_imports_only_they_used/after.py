"""Storage tests: the app's own and the S3 client's."""

from unittest import mock

from app.services.document_service import DocumentService


def test_documents_are_stored(container):
    assert isinstance(container.document_service(), DocumentService)


def test_documents_can_be_mocked():
    with mock.patch("app.services.document_service.DocumentService"):
        pass
