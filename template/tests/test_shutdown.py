"""Graceful shutdown: the coordinator in process, and `run.py` under waitress and SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from common.core.shutdown import LifetimeEvent, ShutdownCoordinator, ShutdownCoordinatorProtocol


def test_coordinator_implements_the_protocol() -> None:
    assert isinstance(ShutdownCoordinator(graceful_shutdown_timeout=1), ShutdownCoordinatorProtocol)
    assert [event.value for event in LifetimeEvent] == [
        "startup",
        "prepare_shutdown",
        "shutdown",
        "after_shutdown",
    ]
    assert LifetimeEvent.SHUTDOWN == "shutdown"


def test_waiters_share_the_timeout() -> None:
    coordinator = ShutdownCoordinator(graceful_shutdown_timeout=2)
    budgets: list[float] = []

    def slow_waiter(remaining: float) -> bool:
        budgets.append(remaining)
        time.sleep(0.3)
        return True

    def quick_waiter(remaining: float) -> bool:
        budgets.append(remaining)
        return True

    coordinator.register_shutdown_waiter("first", slow_waiter)
    coordinator.register_shutdown_waiter("second", quick_waiter)
    coordinator.shutdown()

    # The second waiter gets what the first one left: at most the timeout minus its 0.3 s.
    assert 1.5 < budgets[0] <= 2
    assert budgets[1] <= budgets[0] - 0.3


def test_listeners_see_shutting_down_from_prepare_on() -> None:
    coordinator = ShutdownCoordinator(graceful_shutdown_timeout=1)
    states: list[tuple[LifetimeEvent, bool]] = []
    coordinator.register_lifetime_notification(
        lambda event: states.append((event, coordinator.is_shutting_down()))
    )
    assert not coordinator.is_shutting_down()
    coordinator.shutdown()
    assert all(shutting_down for _, shutting_down in states)


def test_second_caller_waits_for_the_running_shutdown() -> None:
    coordinator = ShutdownCoordinator(graceful_shutdown_timeout=5)
    release = threading.Event()
    coordinator.register_shutdown_waiter("blocking", lambda remaining: release.wait(remaining))
    finished: list[str] = []
    coordinator.register_lifetime_notification(
        lambda event: finished.append("after") if event is LifetimeEvent.AFTER_SHUTDOWN else None
    )

    first = threading.Thread(target=coordinator.shutdown)
    first.start()
    time.sleep(0.05)
    second = threading.Thread(target=coordinator.shutdown)
    second.start()
    time.sleep(0.1)
    assert second.is_alive()
    release.set()
    first.join(5)
    second.join(5)
    assert finished == ["after"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``python run.py`` of the rendered project on a loopback port."""

    def __init__(self, project: Path, database: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "DATABASE_URL": f"sqlite:///{database}",
            "DRAIN_AUTH_KEY": "drain-key",
            "GRACEFUL_SHUTDOWN_TIMEOUT": "10",
            "LOG_LEVEL": "INFO",
        }
        self.process = subprocess.Popen(
            [sys.executable, "run.py"],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.output()}")
            try:
                if requests.get(f"{self.url}/health/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError("server did not come up")

    def terminate_and_wait(self, signum: signal.Signals = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=20)

    def output(self) -> str:
        stdout, _ = self.process.communicate(timeout=5)
        return stdout

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def server(full_project: Path, tmp_path: Path) -> Iterator[Server]:
    running = Server(full_project, tmp_path / "app.db")
    try:
        running.wait_until_up()
        yield running
    finally:
        running.kill()


def test_sigterm_shuts_down_gracefully_and_exits_zero(server: Server) -> None:
    assert requests.get(f"{server.url}/health/readyz", timeout=5).status_code == 200
    assert server.terminate_and_wait() == 0
    output = server.output()
    assert "SIGTERM received" in output
    assert "Graceful shutdown finished" in output


def test_sigint_shuts_down_gracefully_too(server: Server) -> None:
    assert server.terminate_and_wait(signal.SIGINT) == 0
    output = server.output()
    assert "Startup announced" in output
    assert "SIGINT received" in output
    assert "Graceful shutdown finished" in output


def test_drain_over_http_then_sigterm(server: Server) -> None:
    unauthorized = requests.post(f"{server.url}/health/drain", timeout=5)
    assert unauthorized.status_code == 401

    drained = requests.post(
        f"{server.url}/health/drain", headers={"Authorization": "Bearer drain-key"}, timeout=15
    )
    assert drained.status_code == 200
    assert drained.json() == {"status": "drained"}
    readyz = requests.get(f"{server.url}/health/readyz", timeout=5)
    assert readyz.status_code == 503
    assert readyz.json()["reason"] == "shutting down"
    assert requests.get(f"{server.url}/health/healthz", timeout=5).status_code == 200
    metrics = requests.get(f"{server.url}/metrics", timeout=5)
    assert "shutdown_in_progress 1.0" in metrics.text

    assert server.terminate_and_wait() == 0
