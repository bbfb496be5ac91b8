from common.core.app import configure_error_handlers


class Installer:
    def __init__(self):
        self.register_error_handlers = configure_error_handlers

    def run(self, app):
        self.register_error_handlers(app)
        return dict(register_error_handlers=1)
