from other.services.s3_service import S3Service
import other.services.s3_service

client = other.services.s3_service.S3Service
