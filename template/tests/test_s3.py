"""S3Service of the rendered ``common/storage`` against moto's S3 API in server mode."""

import uuid
from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from typing import Any

import pytest

from common.storage.s3_service import S3ObjectNotFoundError, S3Service, S3ServiceError


@pytest.fixture
def s3_settings(make_settings: Callable[..., Any], moto_server: str) -> Any:
    """Settings for a fresh bucket on the moto server (one bucket per test)."""
    return make_settings(
        S3_ENDPOINT_URL=moto_server,
        S3_ACCESS_KEY_ID="testing",
        S3_SECRET_ACCESS_KEY="testing",
        S3_BUCKET_NAME=f"test-{uuid.uuid4().hex[:12]}",
        S3_REGION="us-east-1",
    )


@pytest.fixture
def s3(s3_settings: Any) -> S3Service:
    service = S3Service(s3_settings)
    service.ensure_bucket_exists()
    return service


def put(s3: S3Service, key: str, content: bytes, content_type: str | None = None) -> None:
    assert s3.upload_file(BytesIO(content), key, content_type) is True


def test_s3_client_is_lazy_and_uses_the_settings(s3_settings: Any, moto_server: str) -> None:
    service = S3Service(s3_settings)
    assert service._s3_client is None
    client = service.s3_client
    assert client is service.s3_client
    assert client.meta.endpoint_url == moto_server
    assert client.meta.region_name == "us-east-1"


def test_upload_and_download_file(s3: S3Service) -> None:
    put(s3, "docs/datasheet.pdf", b"%PDF-1.7 content", "application/pdf")
    downloaded = s3.download_file("docs/datasheet.pdf")
    assert isinstance(downloaded, BytesIO)
    assert downloaded.tell() == 0
    assert downloaded.read() == b"%PDF-1.7 content"


def test_upload_without_content_type(s3: S3Service) -> None:
    put(s3, "blob", b"\x00\x01")
    assert s3.download_file("blob").getvalue() == b"\x00\x01"


def test_upload_overwrites(s3: S3Service) -> None:
    put(s3, "key", b"first")
    put(s3, "key", b"second")
    assert s3.download_file("key").getvalue() == b"second"


def test_download_file_not_found(s3: S3Service) -> None:
    with pytest.raises(S3ObjectNotFoundError) as error:
        s3.download_file("missing/key")
    assert error.value.s3_key == "missing/key"
    assert isinstance(error.value, S3ServiceError)


def test_copy_file_success(s3: S3Service) -> None:
    put(s3, "source.txt", b"payload", "text/plain")
    assert s3.copy_file("source.txt", "target.txt") is True
    assert s3.download_file("target.txt").getvalue() == b"payload"
    assert s3.file_exists("source.txt")
    assert s3.get_file_metadata("target.txt")["content_type"] == "text/plain"


def test_copy_file_source_not_found(s3: S3Service) -> None:
    with pytest.raises(S3ObjectNotFoundError):
        s3.copy_file("no-such-source", "target.txt")
    assert not s3.file_exists("target.txt")


def test_delete_file(s3: S3Service) -> None:
    put(s3, "doomed", b"x")
    assert s3.delete_file("doomed") is True
    assert not s3.file_exists("doomed")


def test_delete_missing_file_succeeds(s3: S3Service) -> None:
    assert s3.delete_file("never-existed") is True


def test_file_exists(s3: S3Service) -> None:
    assert s3.file_exists("present") is False
    put(s3, "present", b"x")
    assert s3.file_exists("present") is True


def test_get_file_metadata_success(s3: S3Service) -> None:
    put(s3, "image.png", b"\x89PNG....", "image/png")
    metadata = s3.get_file_metadata("image.png")
    assert set(metadata) == {"size", "content_type", "last_modified", "etag"}
    assert metadata["size"] == 8
    assert metadata["content_type"] == "image/png"
    assert isinstance(metadata["last_modified"], datetime)
    assert metadata["etag"] and '"' not in metadata["etag"]


def test_get_file_metadata_not_found(s3: S3Service) -> None:
    with pytest.raises(S3ObjectNotFoundError):
        s3.get_file_metadata("missing.png")


def test_ensure_bucket_exists_creates_then_keeps_the_bucket(s3_settings: Any) -> None:
    service = S3Service(s3_settings)
    buckets = {b["Name"] for b in service.s3_client.list_buckets()["Buckets"]}
    assert s3_settings.S3_BUCKET_NAME not in buckets

    assert service.ensure_bucket_exists() is True
    assert service.ensure_bucket_exists() is True
    buckets = {b["Name"] for b in service.s3_client.list_buckets()["Buckets"]}
    assert s3_settings.S3_BUCKET_NAME in buckets


def test_ensure_bucket_exists_outside_us_east_1(
    make_settings: Callable[..., Any], moto_server: str
) -> None:
    settings = make_settings(
        S3_ENDPOINT_URL=moto_server,
        S3_ACCESS_KEY_ID="testing",
        S3_SECRET_ACCESS_KEY="testing",
        S3_BUCKET_NAME=f"eu-{uuid.uuid4().hex[:12]}",
        S3_REGION="eu-west-1",
    )
    service = S3Service(settings)
    assert service.ensure_bucket_exists() is True
    location = service.s3_client.get_bucket_location(Bucket=settings.S3_BUCKET_NAME)
    assert location["LocationConstraint"] == "eu-west-1"


def test_unreachable_endpoint_raises_service_error(make_settings: Callable[..., Any]) -> None:
    settings = make_settings(
        # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        S3_ENDPOINT_URL="http://127.0.0.1:9",
        S3_ACCESS_KEY_ID="testing",
        S3_SECRET_ACCESS_KEY="testing",
    )
    service = S3Service(settings)
    service.s3_client.meta.config.retries = {"max_attempts": 0}
    for call in (
        lambda: service.upload_file(BytesIO(b"x"), "k"),
        lambda: service.download_file("k"),
        lambda: service.file_exists("k"),
        lambda: service.delete_file("k"),
        lambda: service.get_file_metadata("k"),
        lambda: service.ensure_bucket_exists(),
    ):
        with pytest.raises(S3ServiceError):
            call()


@pytest.mark.parametrize(
    "removed", ["upload_bytes", "download_to_file", "list_files", "generate_presigned_url"]
)
def test_removed_methods_do_not_exist(removed: str) -> None:
    assert not hasattr(S3Service, removed)
