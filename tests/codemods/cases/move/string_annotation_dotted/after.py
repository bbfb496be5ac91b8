import common.storage.s3_service


def build(settings) -> "common.storage.s3_service.S3Service":
    return common.storage.s3_service.S3Service(settings)
