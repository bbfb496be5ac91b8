import os, common.storage.s3_service, sys


def build(settings):
    return common.storage.s3_service.S3Service(settings), os, sys
