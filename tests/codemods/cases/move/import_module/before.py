import app.services.s3_service


def build(settings):
    return app.services.s3_service.S3Service(settings)
