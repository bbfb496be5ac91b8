import common.storage.s3_service


def storage(kind, settings):
    match kind:
        case "s3":
            import common.storage.s3_service as s3

            return common.storage.s3_service.S3Service(settings), s3
        case "local":
            return None
        case _:
            raise ValueError(kind)
