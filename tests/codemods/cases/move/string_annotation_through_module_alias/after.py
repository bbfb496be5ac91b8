from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import common.storage.s3_service


def f(other: "common.storage.s3_service.S3Service") -> None:
    pass
