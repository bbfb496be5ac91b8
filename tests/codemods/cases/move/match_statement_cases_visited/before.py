import app.services.s3_service


def storage(kind, settings):
    match kind:
        case "s3":
            import app.services.s3_service as s3

            return app.services.s3_service.S3Service(settings), s3
        case "local":
            return None
        case _:
            raise ValueError(kind)
