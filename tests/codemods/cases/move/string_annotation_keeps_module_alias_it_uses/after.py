import common.storage.s3_service
import svc.infra.blobstore as bsmod


def f(other: common.storage.s3_service.S3Service) -> "bsmod.helper":
    pass
