import os

if os.environ.get("USE_S3"):
    from app.services.s3_service import S3Service as Storage
else:
    from app.services.local_storage import LocalStorage as Storage
