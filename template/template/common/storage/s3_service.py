"""S3 storage service: upload, download, copy, delete and inspect objects in one bucket.

Every failure surfaces as :class:`S3ServiceError`; a key that does not exist is
the narrower :class:`S3ObjectNotFoundError`, which the error handlers map to 404.
Content-addressed keys (``cas/<sha256>``) live in :mod:`common.storage.cas`.
"""

import logging
from io import BytesIO
from typing import TYPE_CHECKING, Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from common.core.settings import CommonSettings, adapt_settings

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

logger = logging.getLogger(__name__)

_NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NotFound", "NoSuchBucket"})


class S3ServiceError(Exception):
    """An S3 operation failed."""


class S3ObjectNotFoundError(S3ServiceError):
    """The object (or the source of a copy) does not exist."""

    def __init__(self, s3_key: str) -> None:
        super().__init__(f"S3 object not found: {s3_key}")
        self.s3_key = s3_key


def _is_not_found(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code", "")) in _NOT_FOUND_CODES


class S3Service:
    """Operations on the bucket named by ``S3_BUCKET_NAME``."""

    def __init__(self, settings: object) -> None:
        self.settings: CommonSettings = adapt_settings(settings)
        self._s3_client: S3Client | None = None

    @property
    def bucket_name(self) -> str:
        return self.settings.S3_BUCKET_NAME

    @property
    def s3_client(self) -> "S3Client":
        """The boto3 S3 client, built from the ``S3_*`` settings on first use."""
        if self._s3_client is None:
            self._s3_client = boto3.client(
                "s3",
                # Empty values (an unfilled .env) mean "not set", as None does.
                endpoint_url=self.settings.S3_ENDPOINT_URL or None,
                aws_access_key_id=self.settings.S3_ACCESS_KEY_ID or None,
                aws_secret_access_key=self.settings.S3_SECRET_ACCESS_KEY or None,
                region_name=self.settings.S3_REGION,
                use_ssl=self.settings.S3_USE_SSL,
                # Ceph and MinIO serve buckets by path, not by virtual host.
                config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
            )
        return self._s3_client

    def upload_file(self, file_obj: BinaryIO, s3_key: str, content_type: str | None = None) -> bool:
        """Store the contents of ``file_obj`` under ``s3_key``."""
        extra_args = {"ContentType": content_type} if content_type else {}
        try:
            self.s3_client.upload_fileobj(
                file_obj, self.bucket_name, s3_key, ExtraArgs=extra_args or None
            )
        except (ClientError, BotoCoreError) as error:
            logger.error("S3 upload failed", extra={"s3_key": s3_key, "error": str(error)})
            raise S3ServiceError(f"Failed to upload {s3_key}: {error}") from error
        logger.info("S3 object uploaded", extra={"s3_key": s3_key, "content_type": content_type})
        return True

    def download_file(self, s3_key: str) -> BytesIO:
        """Return the object's content, positioned at the start."""
        try:
            response = self.s3_client.get_object(Bucket=self.bucket_name, Key=s3_key)
            content = BytesIO(response["Body"].read())
        except ClientError as error:
            if _is_not_found(error):
                raise S3ObjectNotFoundError(s3_key) from error
            raise S3ServiceError(f"Failed to download {s3_key}: {error}") from error
        except BotoCoreError as error:
            raise S3ServiceError(f"Failed to download {s3_key}: {error}") from error
        content.seek(0)
        return content

    def copy_file(self, source_s3_key: str, target_s3_key: str) -> bool:
        """Copy an object within the bucket; the source must exist."""
        if not self.file_exists(source_s3_key):
            raise S3ObjectNotFoundError(source_s3_key)
        try:
            self.s3_client.copy_object(
                Bucket=self.bucket_name,
                Key=target_s3_key,
                CopySource={"Bucket": self.bucket_name, "Key": source_s3_key},
            )
        except (ClientError, BotoCoreError) as error:
            raise S3ServiceError(
                f"Failed to copy {source_s3_key} to {target_s3_key}: {error}"
            ) from error
        logger.info(
            "S3 object copied",
            extra={"source_s3_key": source_s3_key, "target_s3_key": target_s3_key},
        )
        return True

    def delete_file(self, s3_key: str) -> bool:
        """Delete an object; deleting a missing key succeeds, as in S3 itself."""
        try:
            self.s3_client.delete_object(Bucket=self.bucket_name, Key=s3_key)
        except (ClientError, BotoCoreError) as error:
            raise S3ServiceError(f"Failed to delete {s3_key}: {error}") from error
        logger.info("S3 object deleted", extra={"s3_key": s3_key})
        return True

    def file_exists(self, s3_key: str) -> bool:
        """True if the object exists, False if it does not."""
        try:
            self.s3_client.head_object(Bucket=self.bucket_name, Key=s3_key)
        except ClientError as error:
            if _is_not_found(error):
                return False
            raise S3ServiceError(f"Failed to check {s3_key}: {error}") from error
        except BotoCoreError as error:
            raise S3ServiceError(f"Failed to check {s3_key}: {error}") from error
        return True

    def get_file_metadata(self, s3_key: str) -> dict[str, Any]:
        """Return ``size``, ``content_type``, ``last_modified`` and ``etag`` of an object."""
        try:
            response = self.s3_client.head_object(Bucket=self.bucket_name, Key=s3_key)
        except ClientError as error:
            if _is_not_found(error):
                raise S3ObjectNotFoundError(s3_key) from error
            raise S3ServiceError(f"Failed to read metadata of {s3_key}: {error}") from error
        except BotoCoreError as error:
            raise S3ServiceError(f"Failed to read metadata of {s3_key}: {error}") from error
        return {
            "size": response["ContentLength"],
            "content_type": response.get("ContentType"),
            "last_modified": response["LastModified"],
            "etag": response["ETag"].strip('"'),
        }

    def ensure_bucket_exists(self) -> bool:
        """Create the bucket when it is missing; True once it exists."""
        try:
            self.s3_client.head_bucket(Bucket=self.bucket_name)
            return True
        except ClientError as error:
            if not _is_not_found(error):
                raise S3ServiceError(
                    f"Failed to check bucket {self.bucket_name}: {error}"
                ) from error
        except BotoCoreError as error:
            raise S3ServiceError(f"Failed to check bucket {self.bucket_name}: {error}") from error
        try:
            if self.settings.S3_REGION == "us-east-1":
                self.s3_client.create_bucket(Bucket=self.bucket_name)
            else:
                self.s3_client.create_bucket(
                    Bucket=self.bucket_name,
                    CreateBucketConfiguration={
                        "LocationConstraint": self.settings.S3_REGION  # type: ignore[typeddict-item]
                    },
                )
        except (ClientError, BotoCoreError) as error:
            raise S3ServiceError(f"Failed to create bucket {self.bucket_name}: {error}") from error
        logger.info("S3 bucket created", extra={"bucket": self.bucket_name})
        return True
