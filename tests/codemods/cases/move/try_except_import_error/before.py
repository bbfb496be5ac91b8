try:
    from app.services.s3_service import S3Service
except ImportError:  # optional dependency
    S3Service = None
