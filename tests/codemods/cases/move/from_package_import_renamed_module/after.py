from common.tasks import service


def start(svc: service.TaskService):
    return service.TaskStatus.RUNNING
