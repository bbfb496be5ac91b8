import app.services.s3_service as s3_service


def build(settings):
    return s3_service.S3Service(settings)
