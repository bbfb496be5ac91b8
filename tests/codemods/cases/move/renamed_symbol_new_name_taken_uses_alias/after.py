from common.core.app import configure_error_handlers as register_error_handlers


def configure_error_handlers(app):
    register_error_handlers(app)
