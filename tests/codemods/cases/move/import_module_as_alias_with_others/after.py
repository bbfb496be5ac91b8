import os

import common.storage.s3_service as s3


def build(settings):
    return s3.S3Service(settings), os
