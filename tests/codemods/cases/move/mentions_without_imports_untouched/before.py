def s3_service():
    """Not the module: a function that happens to share its name."""
    s3_service = 1
    return s3_service
