class Storage:
    from app.services.s3_service import S3Service

    def build(self, settings):
        return self.S3Service(settings)
