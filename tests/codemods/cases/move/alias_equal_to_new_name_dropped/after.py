from common.core.app import configure_error_handlers


def create_app(app):
    configure_error_handlers(app)
