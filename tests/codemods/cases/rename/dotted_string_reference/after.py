from unittest import mock


def test_wiring():
    with mock.patch("app.container.AppContainer.part_service"):
        pass
