from unittest import mock

TARGET = "app.jobs.service.now"


def patched():
    return mock.patch("app.jobs.service.TaskService.run")
