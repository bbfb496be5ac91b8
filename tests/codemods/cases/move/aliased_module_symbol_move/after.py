import common.core.app


def create(app):
    common.core.app.configure_error_handlers(app)
