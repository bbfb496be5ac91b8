import os; from common.storage.s3_service import S3Service; import sys

print(os, sys, S3Service)
