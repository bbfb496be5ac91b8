from app.services import s3_service, task_service


def build():
    return s3_service.S3Service, task_service.TaskService
