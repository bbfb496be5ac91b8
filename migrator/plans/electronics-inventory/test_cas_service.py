"""CASService against the moto S3 server: hashing, keys and deduplicated uploads."""

import hashlib

import pytest

from app.services.cas_service import CASService

DATASHEET = b"%PDF-1.4 datasheet of an LM358 dual op-amp"


@pytest.fixture
def cas(container) -> CASService:
    return CASService(container.s3_service())


def test_compute_hash_is_the_sha256_hex_digest(cas):
    assert cas.compute_hash(DATASHEET) == hashlib.sha256(DATASHEET).hexdigest()


def test_generate_cas_key_prefixes_the_hash(cas):
    assert cas.generate_cas_key(DATASHEET) == f"cas/{hashlib.sha256(DATASHEET).hexdigest()}"


def test_different_content_gets_a_different_key(cas):
    assert cas.generate_cas_key(DATASHEET) != cas.generate_cas_key(DATASHEET + b" rev B")


def test_upload_stores_the_content_under_its_key(cas, container):
    key = cas.upload_cas(DATASHEET, "application/pdf")

    s3 = container.s3_service()
    assert s3.download_file(key).read() == DATASHEET
    assert s3.get_file_metadata(key)["content_type"] == "application/pdf"


def test_uploading_identical_content_twice_stores_one_object(cas, container, s3_admin_client):
    first = cas.upload_cas(DATASHEET, "application/pdf")
    second = cas.upload_cas(DATASHEET, "application/pdf")

    assert first == second
    bucket = container.config().S3_BUCKET_NAME
    listed = s3_admin_client.list_objects_v2(Bucket=bucket, Prefix=first)
    assert [o["Key"] for o in listed.get("Contents", [])] == [first]


def test_identical_content_is_not_uploaded_again(cas, container, monkeypatch):
    cas.upload_cas(DATASHEET)
    uploads: list[str] = []
    s3 = container.s3_service()
    monkeypatch.setattr(s3, "upload_file", lambda *args, **kwargs: uploads.append(args[1]))

    CASService(s3).upload_cas(DATASHEET)

    assert uploads == []


def test_store_reports_whether_the_content_was_there(cas):
    first = cas.store(DATASHEET + b" rev C", "application/pdf")
    second = cas.store(DATASHEET + b" rev C", "application/pdf")

    assert (first.key, first.deduplicated) == (second.key, False)
    assert second.deduplicated
