import common.storage.s3_service


def build(settings):
    return common.storage.s3_service.S3Service(settings)
