import functools

from common.core.app import configure_error_handlers


@configure_error_handlers
def handlers(app):
    pass


@functools.lru_cache
@configure_error_handlers
class Handlers:
    pass
