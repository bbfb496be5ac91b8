import functools

from app.utils.flask_error_handlers import register_error_handlers


@register_error_handlers
def handlers(app):
    pass


@functools.lru_cache
@register_error_handlers
class Handlers:
    pass
