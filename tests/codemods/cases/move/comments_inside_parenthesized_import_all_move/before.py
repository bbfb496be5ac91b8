from app.services.s3_service import (
    S3Service,  # the client wrapper
    # errors
    S3ServiceError,
)


def build(settings):
    return S3Service(settings), S3ServiceError
