import common.core.app
import common.core.errors as handlers
from common.core.app import configure_error_handlers
from common.core.errors import handle_not_found


def create(app):
    common.core.app.configure_error_handlers(app)
    configure_error_handlers(app)
    return handlers.handle_not_found, handle_not_found
