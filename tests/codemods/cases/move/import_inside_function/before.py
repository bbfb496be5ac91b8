def build(settings):
    from app.services.s3_service import S3Service

    return S3Service(settings)


def other():
    import app.services.s3_service

    return app.services.s3_service.S3Service
