from unittest import mock


@mock.patch("app.services.s3_service.boto3.client")
def test_upload(client):
    with mock.patch("app.services.connection_manager.requests.post") as post:
        assert post
