from unittest import mock

TARGET = "app.domain.services.task_service.now"


def patched():
    return mock.patch("app.domain.services.task_service.TaskService.run")
