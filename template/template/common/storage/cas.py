"""Content-addressed storage: objects kept under ``cas/<sha256 of the content>``.

Identical content gets one key, so storing it twice stores one object. This is
the extension point for an application's own CAS service: subclass
:class:`ContentAddressedStorage` (keeping the service's name and adding what is
the application's own), or change where objects go by overriding
:attr:`~ContentAddressedStorage.prefix` or :meth:`~ContentAddressedStorage.key_for_hash`.
Every S3 call goes through the :class:`~common.storage.s3_service.S3Service`
passed in, so its errors (``S3ServiceError``) and settings apply unchanged.
"""

import hashlib
from io import BytesIO
from typing import NamedTuple

from common.storage.s3_service import S3Service


class StoredContent(NamedTuple):
    """Where :meth:`ContentAddressedStorage.store` put the content, and whether it was there."""

    key: str
    deduplicated: bool


class ContentAddressedStorage:
    """Hashing, keys and deduplicating uploads on top of :class:`S3Service`."""

    prefix = "cas/"

    def __init__(self, s3_service: S3Service) -> None:
        self.s3_service = s3_service

    def compute_hash(self, content: bytes) -> str:
        """SHA-256 hex digest of ``content``."""
        return hashlib.sha256(content).hexdigest()

    def key_for_hash(self, content_hash: str) -> str:
        """The key of the object whose content has ``content_hash``."""
        return f"{self.prefix}{content_hash}"

    def generate_cas_key(self, content: bytes) -> str:
        """The key ``content`` is stored under: ``cas/<sha256>``."""
        return self.key_for_hash(self.compute_hash(content))

    def store(self, content: bytes, content_type: str | None = None) -> StoredContent:
        """Upload ``content`` unless an identical object exists; say where it is."""
        key = self.generate_cas_key(content)
        if self.s3_service.file_exists(key):
            return StoredContent(key, deduplicated=True)
        self.s3_service.upload_file(BytesIO(content), key, content_type)
        return StoredContent(key, deduplicated=False)

    def upload_cas(self, content: bytes, content_type: str | None = None) -> str:
        """Store ``content`` (once) and return its key."""
        return self.store(content, content_type).key
