from app.services.s3_service import S3Service
