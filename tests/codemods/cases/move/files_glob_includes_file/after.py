from common.storage.s3_service import S3Service
