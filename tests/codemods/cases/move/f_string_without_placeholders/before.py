from unittest.mock import patch


def test_upload(key):
    with patch(f"app.services.s3_service.boto3.client") as client:
        client.return_value = f'app.services.s3_service:S3Service'
    return f"app.services.s3_service.{key}", F"app.services.s3_service_extra"
