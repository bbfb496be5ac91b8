import app.services.s3_service
from app.services.s3_service import S3Service


def build(settings) -> S3Service:
    client = app.services.s3_service.boto3.client("s3")
    return S3Service(settings), client
