"""Storage helpers."""

from __future__ import annotations

from common.storage.s3_service import S3Service
