import os
import sys

import common.storage.s3_service


def build(settings):
    return common.storage.s3_service.S3Service(settings), os, sys
