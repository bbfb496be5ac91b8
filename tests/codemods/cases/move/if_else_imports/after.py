import os

if os.environ.get("USE_S3"):
    from common.storage.s3_service import S3Service as Storage
else:
    from app.services.local_storage import LocalStorage as Storage
