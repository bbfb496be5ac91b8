"""Object storage: an S3-compatible bucket (AWS S3, Ceph, MinIO) behind :class:`S3Service`."""
