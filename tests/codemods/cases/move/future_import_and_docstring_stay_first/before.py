"""Storage helpers."""

from __future__ import annotations

from app.services.s3_service import S3Service
