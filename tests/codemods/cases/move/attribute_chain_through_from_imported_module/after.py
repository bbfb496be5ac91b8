import common.core.app


def create_app(app):
    common.core.app.configure_error_handlers(app)
