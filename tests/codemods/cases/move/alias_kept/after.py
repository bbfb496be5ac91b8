from common.storage.s3_service import S3Service as Storage


def build(settings):
    return Storage(settings)
