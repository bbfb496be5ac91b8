from app.models import Part
from common.storage.object_storage.s3_compatible_service import (
    S3Service,
    S3ServiceError,
    guess_content_type,
)


def store(part: Part) -> None:
    S3Service().upload(part, guess_content_type(part))
    raise S3ServiceError
