"""Process entry point: serve the app with waitress and shut down gracefully on SIGTERM."""

import logging
from collections.abc import Callable

from waitress import serve

from common.core.app import App

logger = logging.getLogger(__name__)


def configure_logging(level: str) -> None:
    """Log to stderr at ``level`` (the settings' ``LOG_LEVEL``)."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def run_app(create_app: Callable[[], App]) -> None:
    """Build the app, install the SIGTERM handler and serve on ``HOST``:``PORT``.

    SIGTERM runs the graceful shutdown (readiness turns 503, waiters finish their
    work) and then exits with status 0.
    """
    app = create_app()
    settings = app.container.config()
    configure_logging(settings.LOG_LEVEL)
    app.container.shutdown_coordinator().initialize()
    logger.info("Serving", extra={"host": settings.HOST, "port": settings.PORT})
    serve(app, host=settings.HOST, port=settings.PORT)
