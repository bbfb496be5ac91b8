from common.core.app import configure_error_handlers

handler: "configure_error_handlers" = configure_error_handlers
