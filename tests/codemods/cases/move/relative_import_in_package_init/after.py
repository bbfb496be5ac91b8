"""Services."""

from .part_service import PartService
from common.storage.s3_service import S3Service

__all__ = ["PartService", "S3Service"]
