from app.utils.flask_error_handlers import register_error_handlers

handler: "register_error_handlers" = register_error_handlers
