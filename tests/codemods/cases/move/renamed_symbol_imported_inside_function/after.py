def create_app(app):
    from common.core.app import configure_error_handlers

    configure_error_handlers(app)


def unrelated(register_error_handlers):
    return register_error_handlers
