from app.utils.flask_error_handlers import register_error_handlers


def fake(app):
    register_error_handlers = lambda a: None
    register_error_handlers(app)


def real(app):
    register_error_handlers(app)
