from __future__ import annotations

import app.services.s3_service


def storage_class() -> "type[app.services.s3_service.S3Service]":
    return app.services.s3_service.S3Service


def pair(
    errors: "dict[app.services.s3_service.S3Service, app.services.s3_service.S3ServiceError]",
) -> "app.services.s3_service.S3Service | app.services.s3_service_extra.Extra | None":
    return None
