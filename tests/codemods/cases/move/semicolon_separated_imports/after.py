import os
import sys

from common.storage.s3_service import S3Service

print(os, sys, S3Service)
