"""``run_app``: listen address, threads, WSGI middleware, development mode, startup event."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import common.core.runner as runner
from common.core.lifecycle import LifecycleEvent


class Recorder:
    """Stands in for waitress' ``serve`` and Flask's ``App.run``: records how they were called."""

    def __init__(self) -> None:
        self.served: list[tuple[Any, dict[str, Any]]] = []
        self.development: list[dict[str, Any]] = []


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    import signal

    recorded = Recorder()
    monkeypatch.setattr(
        runner, "serve", lambda app, **options: recorded.served.append((app, options))
    )
    monkeypatch.setattr(
        runner.App, "run", lambda self, **options: recorded.development.append(options)
    )
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield recorded
    for signum, handler in previous.items():
        signal.signal(signum, handler)


@pytest.fixture
def factory(make_settings: Callable[..., Any]) -> Callable[..., Callable[[], Any]]:
    """``create_app`` of the rendered project on settings with ``overrides``."""
    from app import create_app

    def build(**overrides: Any) -> Callable[[], Any]:
        settings = make_settings(FLASK_ENV="testing", DATABASE_URL="sqlite://", **overrides)
        return lambda: create_app(settings, skip_background_services=True)

    return build


def test_defaults_listen_on_every_interface(recorder: Recorder, factory: Any) -> None:
    runner.run_app(factory())
    ((app, options),) = recorder.served
    assert options == {"host": "0.0.0.0", "port": 5000}
    assert recorder.development == []


def test_host_port_threads_and_middleware(recorder: Recorder, factory: Any) -> None:
    seen: list[str] = []

    def tagging(name: str) -> Callable[[Any], Any]:
        def wrap(wsgi_app: Any) -> Any:
            def tagged(environ: dict[str, Any], start_response: Any) -> Any:
                seen.append(name)
                return wsgi_app(environ, start_response)

            return tagged

        return wrap

    runner.run_app(
        factory(HOST="127.0.0.1"),
        port=8123,
        threads=16,
        middleware=[tagging("inner"), tagging("outer")],
    )
    ((app, options),) = recorder.served
    assert options == {"host": "127.0.0.1", "port": 8123, "threads": 16}
    assert app.test_client().get("/health/healthz").status_code == 200
    assert seen == ["outer", "inner"]


def test_startup_is_announced_before_serving(recorder: Recorder, factory: Any) -> None:
    events: list[LifecycleEvent] = []
    create = factory()

    def create_and_listen() -> Any:
        app = create()
        app.container.lifecycle_coordinator().register_lifecycle_notification(events.append)
        return app

    runner.run_app(create_and_listen)
    assert events == [LifecycleEvent.STARTUP]


@pytest.mark.parametrize(("debug", "argument"), [(True, None), (False, True)])
def test_development_mode(recorder: Recorder, factory: Any, debug: bool, argument: Any) -> None:
    runner.run_app(factory(DEBUG=debug), development=argument)
    assert recorder.served == []
    (options,) = recorder.development
    assert options["debug"] is True and options["use_reloader"] is False
