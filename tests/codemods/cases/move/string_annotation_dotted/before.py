import app.services.s3_service


def build(settings) -> "app.services.s3_service.S3Service":
    return app.services.s3_service.S3Service(settings)
