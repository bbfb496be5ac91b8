class Storage:
    from common.storage.s3_service import S3Service

    def build(self, settings):
        return self.S3Service(settings)
