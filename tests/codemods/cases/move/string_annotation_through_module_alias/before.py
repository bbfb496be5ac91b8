from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import svc.infra.blobstore as bsmod


def f(other: "bsmod.BlobStore") -> None:
    pass
