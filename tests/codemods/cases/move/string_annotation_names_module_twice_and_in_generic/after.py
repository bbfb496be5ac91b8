from __future__ import annotations

import common.storage.s3_service


def storage_class() -> "type[common.storage.s3_service.S3Service]":
    return common.storage.s3_service.S3Service


def pair(
    errors: "dict[common.storage.s3_service.S3Service, common.storage.s3_service.S3ServiceError]",
) -> "common.storage.s3_service.S3Service | app.services.s3_service_extra.Extra | None":
    return None
