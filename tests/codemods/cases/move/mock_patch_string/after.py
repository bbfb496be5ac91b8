from unittest import mock


@mock.patch("common.storage.s3_service.boto3.client")
def test_upload(client):
    with mock.patch("common.sse.connection_manager.requests.post") as post:
        assert post
