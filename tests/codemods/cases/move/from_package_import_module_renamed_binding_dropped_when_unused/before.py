from svc.infra import blobstore

E = blobstore.BlobStoreError
