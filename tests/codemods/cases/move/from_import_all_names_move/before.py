from app.services.s3_service import S3Service, S3ServiceError


def build(settings):
    try:
        return S3Service(settings)
    except S3ServiceError:
        return None
