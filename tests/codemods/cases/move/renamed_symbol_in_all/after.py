from common.core.app import configure_error_handlers

__all__ = ["configure_error_handlers", "other"]
__all__ += ["configure_error_handlers"]


def other():
    pass
