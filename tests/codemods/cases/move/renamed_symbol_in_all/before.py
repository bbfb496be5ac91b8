from app.utils.flask_error_handlers import register_error_handlers

__all__ = ["register_error_handlers", "other"]
__all__ += ["register_error_handlers"]


def other():
    pass
