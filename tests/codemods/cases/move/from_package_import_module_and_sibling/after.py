from app.services import part_service
from common.storage import s3_service


def build(settings):
    return s3_service.S3Service(settings), part_service.PartService()
