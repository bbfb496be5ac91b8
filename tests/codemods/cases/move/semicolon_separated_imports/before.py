import os; from app.services.s3_service import S3Service; import sys

print(os, sys, S3Service)
