from common.tasks import service as task_service


def start(service):
    return task_service.TaskService(service)
