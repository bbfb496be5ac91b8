class TestStorage:
    """Storage behaviour."""

    def test_keys_are_hashes(self, storage):
        assert len(storage.key(b"x")) == 64

    def test_download_returns_bytes(self, storage):
        assert storage.download("k") == b""
