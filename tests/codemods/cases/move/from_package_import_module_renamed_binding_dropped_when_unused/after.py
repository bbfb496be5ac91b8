import common.storage.s3_service

E = common.storage.s3_service.S3ServiceError
