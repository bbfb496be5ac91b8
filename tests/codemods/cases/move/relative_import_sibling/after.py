from common.storage.s3_service import S3Service


class DocumentService:
    def __init__(self, s3: S3Service):
        self.s3 = s3
