import app.services.s3_service as s3, os


def build(settings):
    return s3.S3Service(settings), os
