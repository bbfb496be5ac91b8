from common.core.app import configure_error_handlers as install_handlers


def create_app(app):
    install_handlers(app)
