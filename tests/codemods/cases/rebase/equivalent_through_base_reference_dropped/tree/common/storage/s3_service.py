class S3Service:
    pass
