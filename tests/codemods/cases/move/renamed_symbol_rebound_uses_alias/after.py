try:
    from common.core.app import configure_error_handlers as register_error_handlers
except ImportError:
    register_error_handlers = None


def create_app(app):
    if register_error_handlers is not None:
        register_error_handlers(app)
