"""Storage tests: the app's own and the S3 client's."""

from unittest import mock

import boto3
import pytest

from app.services.document_service import DocumentService
from app.services.s3_service import S3Service


def test_documents_are_stored(container):
    assert isinstance(container.document_service(), DocumentService)


def test_s3_client_is_created_lazily(settings):
    with mock.patch.object(boto3, "client") as client:
        S3Service(settings)
    client.assert_not_called()


@pytest.mark.parametrize("attempts", [1, 3])
def test_upload_retries(attempts):
    assert S3Service.retries(attempts) == attempts


def test_documents_can_be_mocked():
    with mock.patch("app.services.document_service.DocumentService"):
        pass
