"""TaskService of the rendered ``common/tasks``, with events going to a fake SSE Gateway."""

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from common.core.shutdown import ShutdownCoordinator
from common.sse.connection_manager import ConnectionManager
from common.tasks.service import (
    BaseTask,
    ProgressHandle,
    TaskEventType,
    TaskInfo,
    TaskProgressHandle,
    TaskRejectedError,
    TaskService,
    TaskStatus,
)
from sse_gateway import FakeGateway


class Counted(BaseModel):
    count: int


class CountingTask(BaseTask):
    """Counts to ``n``, reporting progress; waits for ``gate`` first when given one."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        super().__init__()
        self.gate = gate
        self.running = threading.Event()

    def execute(self, progress_handle: ProgressHandle, **kwargs: Any) -> BaseModel:
        self.running.set()
        if self.gate is not None:
            while not self.gate.wait(0.01):
                if self.is_cancelled:
                    return Counted(count=0)
        n = kwargs["n"]
        for i in range(1, n + 1):
            progress_handle.send_progress(f"step {i}", i / n)
        return Counted(count=n)


class ExplodingTask(BaseTask):
    def execute(self, progress_handle: ProgressHandle, **kwargs: Any) -> BaseModel:
        progress_handle.send_progress_text("about to fail")
        raise RuntimeError("sensor offline")


@pytest.fixture
def coordinator() -> ShutdownCoordinator:
    return ShutdownCoordinator(graceful_shutdown_timeout=10)


@pytest.fixture
def connection_manager(gateway: FakeGateway) -> ConnectionManager:
    return ConnectionManager(gateway.url, http_timeout=2.0)


@pytest.fixture
def service(
    coordinator: ShutdownCoordinator, connection_manager: ConnectionManager
) -> Iterator[TaskService]:
    task_service = TaskService(coordinator, connection_manager, max_workers=2, task_timeout=30)
    yield task_service
    task_service.shutdown()


def wait_until_finished(service: TaskService, task_id: str) -> TaskInfo:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        info = service.get_task_status(task_id)
        if info is not None and info.status not in (TaskStatus.PENDING, TaskStatus.RUNNING):
            return info
        time.sleep(0.01)
    raise AssertionError(f"task {task_id} did not finish")


def wait_for_events(gateway: FakeGateway, token: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        events = gateway.events_to(token)
        if len(events) >= count:
            return events
        time.sleep(0.01)
    raise AssertionError(f"{token} received {gateway.events_to(token)}")


def test_task_events_reach_the_tasks_stream(
    coordinator: ShutdownCoordinator, connection_manager: ConnectionManager, gateway: FakeGateway
) -> None:
    service = TaskService(coordinator, connection_manager, max_workers=1)
    try:
        # Keep the only worker busy so the task stays pending until its stream is connected,
        # as a browser connects right after the start request returns.
        blocker_gate = threading.Event()
        blocker = CountingTask(blocker_gate)
        service.start_task(blocker, n=1)
        assert blocker.running.wait(5)
        started = service.start_task(CountingTask(), n=2)
        assert started.status is TaskStatus.PENDING
        assert started.stream_url == f"/api/sse/tasks?request_id={started.task_id}"
        token = f"tok-{started.task_id}"
        connection_manager.on_connect(started.task_id, token, started.stream_url)
        blocker_gate.set()

        events = wait_for_events(gateway, token, 4)
        info = wait_until_finished(service, started.task_id)
    finally:
        service.shutdown()

    assert info.status is TaskStatus.COMPLETED
    assert info.result == {"count": 2}
    assert info.progress == 1.0
    assert info.progress_text == "step 2"
    assert {event["name"] for event in events} == {"task_event"}
    kinds = [event["data"]["event_type"] for event in events]
    assert kinds == ["task_started", "progress_update", "progress_update", "task_completed"]
    assert events[1]["data"]["data"] == {"text": "step 1", "value": 0.5}
    assert events[-1]["data"]["data"] == {"result": {"count": 2}}
    assert all(event["data"]["task_id"] == started.task_id for event in events)


def test_failed_task(
    service: TaskService, connection_manager: ConnectionManager, gateway: FakeGateway
) -> None:
    started = service.start_task(ExplodingTask())
    info = wait_until_finished(service, started.task_id)
    assert info.status is TaskStatus.FAILED
    assert info.error == "sensor offline"
    assert info.progress_text == "about to fail"


def test_cancel_pending_and_running_tasks(coordinator: ShutdownCoordinator) -> None:
    service = TaskService(coordinator, None, max_workers=1)
    try:
        gate = threading.Event()
        running = CountingTask(gate)
        first = service.start_task(running, n=1)
        assert running.running.wait(5)
        queued = service.start_task(CountingTask(), n=1)

        assert service.cancel_task(queued.task_id)
        queued_info = service.get_task_status(queued.task_id)
        assert queued_info is not None and queued_info.status is TaskStatus.CANCELLED

        assert service.cancel_task(first.task_id)
        assert wait_until_finished(service, first.task_id).status is TaskStatus.CANCELLED
        assert not service.cancel_task(first.task_id)
    finally:
        service.shutdown()


def test_status_of_unknown_task(service: TaskService) -> None:
    assert service.get_task_status("nope") is None
    assert not service.cancel_task("nope")
    assert not service.remove_completed_task("nope")


def test_remove_completed_task_only_when_finished(coordinator: ShutdownCoordinator) -> None:
    service = TaskService(coordinator, None, max_workers=1)
    try:
        gate = threading.Event()
        task = CountingTask(gate)
        started = service.start_task(task, n=1)
        assert task.running.wait(5)
        assert not service.remove_completed_task(started.task_id)
        gate.set()
        wait_until_finished(service, started.task_id)
        assert service.remove_completed_task(started.task_id)
        assert service.get_task_status(started.task_id) is None
    finally:
        service.shutdown()


def test_cleanup_thread_times_out_stuck_tasks(coordinator: ShutdownCoordinator) -> None:
    service = TaskService(coordinator, None, max_workers=1, task_timeout=1, cleanup_interval=1)
    try:
        stuck = CountingTask(threading.Event())
        started = service.start_task(stuck, n=1)
        service.startup()
        info = wait_until_finished(service, started.task_id)
        assert info.status is TaskStatus.FAILED
        assert info.error == "Task timed out after 1s"
        assert stuck.is_cancelled
    finally:
        service.shutdown()


def test_graceful_shutdown_waits_for_tasks_then_refuses_new_ones(
    service: TaskService, coordinator: ShutdownCoordinator
) -> None:
    gate = threading.Event()
    task = CountingTask(gate)
    started = service.start_task(task, n=3)
    assert task.running.wait(5)
    threading.Timer(0.2, gate.set).start()

    coordinator.shutdown()

    info = service.get_task_status(started.task_id)
    assert info is not None and info.status is TaskStatus.COMPLETED
    with pytest.raises(TaskRejectedError):
        service.start_task(CountingTask(), n=1)


def test_progress_handle_clamps_and_sends(
    connection_manager: ConnectionManager, gateway: FakeGateway
) -> None:
    connection_manager.on_connect("task-1", "tok-task-1", "/api/sse/tasks?request_id=task-1")
    handle = TaskProgressHandle("task-1", connection_manager)
    handle.send_progress_text("loading")
    handle.send_progress_value(1.7)
    handle.send_progress("done", -0.5)
    data = [event["data"] for event in gateway.events_to("tok-task-1")]
    assert [d["event_type"] for d in data] == [TaskEventType.PROGRESS_UPDATE.value] * 3
    assert [d["data"] for d in data] == [
        {"text": "loading"},
        {"value": 1.0},
        {"text": "done", "value": 0.0},
    ]


def test_container_wires_the_task_service_to_the_connection_manager(app: Any) -> None:
    container = app.container
    task_service = container.task_service()
    assert task_service.connection_manager is container.connection_manager()
    assert task_service.max_workers == app.container.config().TASK_MAX_WORKERS
