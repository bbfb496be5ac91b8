from common.storage import s3_service


def build(settings):
    return s3_service.S3Service(settings)
