from dependency_injector import containers, providers

from .infra.blobstore import BlobStore


class Services(containers.DeclarativeContainer):
    blob_store = providers.Factory(BlobStore)
