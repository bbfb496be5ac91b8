from common.core.app import configure_error_handlers


def fake(app):
    register_error_handlers = lambda a: None
    register_error_handlers(app)


def real(app):
    configure_error_handlers(app)
