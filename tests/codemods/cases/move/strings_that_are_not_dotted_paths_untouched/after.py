from common.storage.s3_service import S3Service

MESSAGE = "see app.services.s3_service for details"
RAW = b"app.services.s3_service"
NAME = "s3_service"


def describe(key):
    return f"app.services.s3_service.{key}", S3Service
