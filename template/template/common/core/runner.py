"""Process entry point: serve the app and shut down gracefully on SIGTERM or SIGINT.

``run_app(create_app)`` is the whole of a project's ``run.py``. Its parameters,
each optional:

- ``host``, ``port``: where to listen (default: the settings' ``HOST``, which is
  ``0.0.0.0`` so a container's published port reaches the server, and ``PORT``);
- ``threads``: waitress worker threads (default: waitress' own, 4);
- ``middleware``: WSGI middleware, each a function from WSGI app to WSGI app,
  applied in order around ``app.wsgi_app`` (e.g. ``lambda wsgi: ProxyFix(wsgi)``);
- ``development``: Flask's development server with the debugger instead of
  waitress (default: the settings' ``DEBUG``); never in production;
- ``exit_on_signal``: whether the signal handler exits the process after the
  graceful shutdown (default True; see :mod:`common.core.lifecycle`).

The lifecycle's ``STARTUP`` event fires just before serving (once, even when the
app factory fired it already).
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any

from waitress import serve

from common.core.app import App

logger = logging.getLogger(__name__)

WSGIApp = Callable[..., Any]
Middleware = Callable[[WSGIApp], WSGIApp]


def configure_logging(level: str) -> None:
    """Log to stderr at ``level`` (the settings' ``LOG_LEVEL``)."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def run_app(
    create_app: Callable[[], App],
    *,
    host: str | None = None,
    port: int | None = None,
    threads: int | None = None,
    middleware: Sequence[Middleware] = (),
    development: bool | None = None,
    exit_on_signal: bool = True,
) -> None:
    """Build the app, install the signal handlers and serve until a signal stops it."""
    app = create_app()
    settings = app.container.common_settings()
    configure_logging(settings.LOG_LEVEL)
    for wrap in middleware:
        app.wsgi_app = wrap(app.wsgi_app)  # type: ignore[method-assign]
    coordinator = app.container.shutdown_coordinator()
    coordinator.initialize(exit_on_signal=exit_on_signal)
    coordinator.fire_startup()

    listen_host = host if host is not None else settings.HOST
    listen_port = port if port is not None else settings.PORT
    if development if development is not None else settings.DEBUG:
        logger.warning(
            "Serving with the development server", extra={"host": listen_host, "port": listen_port}
        )
        # No reloader: it would serve from a child process the signal handlers do not reach.
        app.run(host=listen_host, port=listen_port, debug=True, use_reloader=False, threaded=True)
        return
    options: dict[str, Any] = {"host": listen_host, "port": listen_port}
    if threads is not None:
        options["threads"] = threads
    logger.info("Serving", extra=options)
    serve(app, **options)
