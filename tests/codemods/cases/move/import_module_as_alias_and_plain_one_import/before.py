import svc.infra.blobstore as bs
import svc.infra.blobstore

A = bs.BlobStore
B = svc.infra.blobstore.BlobStore
