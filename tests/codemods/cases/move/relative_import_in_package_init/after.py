"""Services."""

from common.storage.s3_service import S3Service

from .part_service import PartService

__all__ = ["PartService", "S3Service"]
