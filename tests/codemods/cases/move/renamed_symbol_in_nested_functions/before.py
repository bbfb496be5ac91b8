from app.utils.flask_error_handlers import register_error_handlers


def outer(app):
    def inner():
        def innermost():
            return register_error_handlers(app)

        return innermost()

    return inner()
