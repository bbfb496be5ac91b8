from ..infra.blobstore import BlobStore


class CatalogService:
    store: BlobStore
