import svc.infra.blobstore as bsmod


def f(other: bsmod.BlobStore) -> "bsmod.helper":
    pass
