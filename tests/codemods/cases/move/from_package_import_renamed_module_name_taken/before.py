from app.services import task_service


def start(service):
    return task_service.TaskService(service)
