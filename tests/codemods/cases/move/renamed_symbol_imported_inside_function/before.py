def create_app(app):
    from app.utils.flask_error_handlers import register_error_handlers

    register_error_handlers(app)


def unrelated(register_error_handlers):
    return register_error_handlers
