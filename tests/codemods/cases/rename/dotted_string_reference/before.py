from unittest import mock


def test_wiring():
    with mock.patch("app.container.ServiceContainer.part_service"):
        pass
