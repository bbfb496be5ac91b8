from app.services import s3_service as storage


def build(settings):
    return storage.S3Service(settings)
