from common.storage import s3_service
from common.tasks import service


def build():
    return s3_service.S3Service, service.TaskService
