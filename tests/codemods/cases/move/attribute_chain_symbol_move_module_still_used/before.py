import app.utils.flask_error_handlers


def create_app(app):
    app.utils.flask_error_handlers.register_error_handlers(app)
    return app.utils.flask_error_handlers.handle_not_found
