from ..storage.s3 import S3Service


def build(settings):
    return S3Service(settings)
