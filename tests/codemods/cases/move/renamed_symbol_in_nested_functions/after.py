from common.core.app import configure_error_handlers


def outer(app):
    def inner():
        def innermost():
            return configure_error_handlers(app)

        return innermost()

    return inner()
