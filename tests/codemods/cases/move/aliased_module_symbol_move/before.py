import app.utils.flask_error_handlers as handlers


def create(app):
    handlers.register_error_handlers(app)
