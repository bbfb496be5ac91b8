from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.models import Part
    from app.services.types import Upload
    from common.storage.s3_service import S3Service


def store(part: Part, storage: S3Service) -> Upload:
    return storage.upload(part)
