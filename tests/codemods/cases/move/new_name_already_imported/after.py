from common.storage.s3_service import S3Service


def build(settings):
    return S3Service(settings)
