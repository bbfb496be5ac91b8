import app.utils.flask_error_handlers


def create_app(app):
    app.utils.flask_error_handlers.register_error_handlers(app)
