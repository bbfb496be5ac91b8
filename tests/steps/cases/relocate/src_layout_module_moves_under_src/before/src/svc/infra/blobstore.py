class BlobStore:
    pass
