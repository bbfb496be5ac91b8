from app.services import task_service


def start(svc: task_service.TaskService):
    return task_service.TaskStatus.RUNNING
