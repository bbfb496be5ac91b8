import os, app.services.s3_service, sys


def build(settings):
    return app.services.s3_service.S3Service(settings), os, sys
