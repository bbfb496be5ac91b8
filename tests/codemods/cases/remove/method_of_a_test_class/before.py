from app.services.s3_service import ensure_bucket


class TestStorage:
    """Storage behaviour."""

    def test_keys_are_hashes(self, storage):
        assert len(storage.key(b"x")) == 64

    def test_bucket_is_created(self, storage):
        assert ensure_bucket(storage)

    def test_download_returns_bytes(self, storage):
        assert storage.download("k") == b""
