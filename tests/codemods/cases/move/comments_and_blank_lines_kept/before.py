# Copyright header

import os  # stdlib

# storage
from app.services.s3_service import S3Service  # the S3 client


# a blank line above is kept too
def build(settings):
    return S3Service(settings)  # builds it
