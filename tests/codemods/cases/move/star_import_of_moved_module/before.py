from app.services.s3_service import *  # noqa: F403


def build(settings):
    return S3Service(settings)  # noqa: F405
