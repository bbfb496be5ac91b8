import common.storage.s3_service

A = common.storage.s3_service.S3Service
B = common.storage.s3_service.S3Service
