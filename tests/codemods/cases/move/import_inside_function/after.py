def build(settings):
    from common.storage.s3_service import S3Service

    return S3Service(settings)


def other():
    import common.storage.s3_service

    return common.storage.s3_service.S3Service
