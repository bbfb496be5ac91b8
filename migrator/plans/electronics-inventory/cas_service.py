"""Content-addressable storage for documents, built on the template's S3Service.

The template's S3Service knows nothing about content hashes; the app stores every
attachment under `cas/<sha256>` so identical uploads share one object.
"""

import hashlib
from io import BytesIO

from common.storage.s3_service import S3Service


class CASService:
    """CAS operations on top of S3Service: hash, key, deduplicating upload."""

    def __init__(self, s3_service: S3Service) -> None:
        self._s3 = s3_service

    def compute_hash(self, content: bytes) -> str:
        """SHA-256 hex digest of the content."""
        return hashlib.sha256(content).hexdigest()

    def generate_cas_key(self, content: bytes) -> str:
        """The S3 key the content is stored under: `cas/<sha256>`."""
        return f"cas/{self.compute_hash(content)}"

    def upload_cas(self, content: bytes, content_type: str | None = None) -> str:
        """Store the content unless an identical object exists; return its CAS key."""
        cas_key = self.generate_cas_key(content)
        if not self._s3.file_exists(cas_key):
            self._s3.upload_file(BytesIO(content), cas_key, content_type)
        return cas_key
