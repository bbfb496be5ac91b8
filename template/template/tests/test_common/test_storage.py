"""S3Service against moto's in-process S3."""

import hashlib
from collections.abc import Callable, Iterator
from io import BytesIO

import pytest
from moto import mock_aws

from common.core.settings import CommonSettings
from common.storage.s3_service import S3ObjectNotFoundError, S3Service


@pytest.fixture
def s3_service(make_settings: Callable[..., CommonSettings]) -> Iterator[S3Service]:
    settings = make_settings(
        S3_BUCKET_NAME="test-bucket", S3_ACCESS_KEY_ID="test", S3_SECRET_ACCESS_KEY="test"
    )
    with mock_aws():
        service = S3Service(settings)
        assert service.ensure_bucket_exists()
        yield service


def test_round_trip(s3_service: S3Service) -> None:
    assert s3_service.upload_file(BytesIO(b"hello"), "docs/a.txt", "text/plain")
    assert s3_service.file_exists("docs/a.txt")
    assert s3_service.download_file("docs/a.txt").read() == b"hello"
    metadata = s3_service.get_file_metadata("docs/a.txt")
    assert metadata["size"] == 5
    assert metadata["content_type"] == "text/plain"

    assert s3_service.copy_file("docs/a.txt", "docs/b.txt")
    assert s3_service.delete_file("docs/a.txt")
    assert not s3_service.file_exists("docs/a.txt")
    assert s3_service.download_file("docs/b.txt").read() == b"hello"


def test_missing_object(s3_service: S3Service) -> None:
    with pytest.raises(S3ObjectNotFoundError):
        s3_service.download_file("missing")
    with pytest.raises(S3ObjectNotFoundError):
        s3_service.get_file_metadata("missing")
    with pytest.raises(S3ObjectNotFoundError):
        s3_service.copy_file("missing", "target")


def test_ensure_bucket_exists_is_idempotent(s3_service: S3Service) -> None:
    assert s3_service.ensure_bucket_exists()


def test_content_addressed_storage_deduplicates(s3_service: S3Service) -> None:
    from common.storage.cas import ContentAddressedStorage

    cas = ContentAddressedStorage(s3_service)
    digest = hashlib.sha256(b"datasheet").hexdigest()
    assert cas.generate_cas_key(b"datasheet") == f"cas/{digest}"
    first = cas.store(b"datasheet", "application/pdf")
    second = cas.store(b"datasheet", "application/pdf")
    assert (first.key, first.deduplicated, second.deduplicated) == (f"cas/{digest}", False, True)
    assert s3_service.download_file(first.key).read() == b"datasheet"
    assert cas.upload_cas(b"other") == cas.generate_cas_key(b"other")


def test_content_addressed_storage_is_an_extension_point(s3_service: S3Service) -> None:
    from common.storage.cas import ContentAddressedStorage

    class AttachmentStore(ContentAddressedStorage):
        prefix = "attachments/"

    key = AttachmentStore(s3_service).upload_cas(b"image")
    assert key.startswith("attachments/")
    assert s3_service.file_exists(key)
