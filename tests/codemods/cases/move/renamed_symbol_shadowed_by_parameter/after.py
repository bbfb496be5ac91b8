from common.core.app import configure_error_handlers


def install(app, register_error_handlers=None):
    # the parameter shadows the import: leave it alone
    (register_error_handlers or print)(app)


def create_app(app):
    configure_error_handlers(app)
