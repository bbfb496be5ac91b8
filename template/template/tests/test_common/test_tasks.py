"""TaskService: running, progress, failure, cancellation, cleanup and shutdown."""

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel

from common.core.shutdown import ShutdownCoordinator
from common.tasks.service import (
    BaseTask,
    ProgressHandle,
    TaskRejectedError,
    TaskService,
    TaskStatus,
)


class RecordingSender:
    """Collects the events a task service sends, like a connection manager would."""

    def __init__(self) -> None:
        self.events: list[tuple[str | None, dict[str, Any], str, str]] = []
        self._lock = threading.Lock()

    def send_event(
        self,
        request_id: str | None,
        event_data: dict[str, Any],
        event_name: str,
        service_type: str,
    ) -> bool:
        with self._lock:
            self.events.append((request_id, event_data, event_name, service_type))
        return True

    def event_types(self, task_id: str) -> list[str]:
        with self._lock:
            return [data["event_type"] for rid, data, _, _ in self.events if rid == task_id]


class Result(BaseModel):
    total: int


class SumTask(BaseTask):
    def execute(self, progress_handle: ProgressHandle, **kwargs: Any) -> BaseModel:
        progress_handle.send_progress("adding", 0.5)
        return Result(total=sum(kwargs["numbers"]))


class FailingTask(BaseTask):
    def execute(self, progress_handle: ProgressHandle, **kwargs: Any) -> BaseModel:
        raise ValueError("bad input")


class BlockingTask(BaseTask):
    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def execute(self, progress_handle: ProgressHandle, **kwargs: Any) -> BaseModel:
        self.started.set()
        while not self.is_cancelled and not self.release.wait(0.01):
            pass
        return Result(total=0)


@pytest.fixture
def coordinator() -> ShutdownCoordinator:
    return ShutdownCoordinator(graceful_shutdown_timeout=5)


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def service(coordinator: ShutdownCoordinator, sender: RecordingSender) -> Iterator[TaskService]:
    task_service = TaskService(coordinator, sender, max_workers=2, task_timeout=60)
    yield task_service
    task_service.shutdown()


def wait_for_status(service: TaskService, task_id: str, *statuses: TaskStatus) -> TaskStatus:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        info = service.get_task_status(task_id)
        if info is not None and info.status in statuses:
            return info.status
        time.sleep(0.01)
    raise AssertionError(f"task {task_id} never reached {statuses}")


def test_task_completes_with_result_and_events(
    service: TaskService, sender: RecordingSender
) -> None:
    started = service.start_task(SumTask(), numbers=[1, 2, 3])
    assert started.status is TaskStatus.PENDING
    assert started.stream_url.endswith(f"request_id={started.task_id}")

    wait_for_status(service, started.task_id, TaskStatus.COMPLETED)
    info = service.get_task_status(started.task_id)
    assert info is not None
    assert info.result == {"total": 6}
    assert info.progress == 1.0
    assert sender.event_types(started.task_id) == [
        "task_started",
        "progress_update",
        "task_completed",
    ]
    assert all(name == "task_event" and kind == "task" for _, _, name, kind in sender.events)


def test_failing_task_is_reported(service: TaskService, sender: RecordingSender) -> None:
    started = service.start_task(FailingTask())
    wait_for_status(service, started.task_id, TaskStatus.FAILED)
    info = service.get_task_status(started.task_id)
    assert info is not None
    assert info.error == "bad input"
    assert sender.event_types(started.task_id)[-1] == "task_failed"


def test_cancel_running_task(service: TaskService) -> None:
    task = BlockingTask()
    started = service.start_task(task)
    assert task.started.wait(5)
    assert service.cancel_task(started.task_id)
    assert wait_for_status(service, started.task_id, TaskStatus.CANCELLED)
    assert not service.cancel_task(started.task_id)
    assert not service.cancel_task("unknown")


def test_remove_completed_task(service: TaskService) -> None:
    started = service.start_task(SumTask(), numbers=[1])
    wait_for_status(service, started.task_id, TaskStatus.COMPLETED)
    assert service.remove_completed_task(started.task_id)
    assert service.get_task_status(started.task_id) is None
    assert not service.remove_completed_task(started.task_id)


def test_cleanup_forgets_old_tasks_and_times_out_stuck_ones(service: TaskService) -> None:
    done = service.start_task(SumTask(), numbers=[1])
    wait_for_status(service, done.task_id, TaskStatus.COMPLETED)
    stuck_task = BlockingTask()
    stuck = service.start_task(stuck_task)
    assert stuck_task.started.wait(5)

    long_ago = datetime.now(UTC) - timedelta(hours=1)
    service._tasks[done.task_id].end_time = long_ago
    service._tasks[stuck.task_id].start_time = long_ago
    service._cleanup_completed_tasks()

    assert service.get_task_status(done.task_id) is None
    info = service.get_task_status(stuck.task_id)
    assert info is not None
    assert info.status is TaskStatus.FAILED
    assert "timed out" in (info.error or "")


def test_shutdown_waits_for_running_tasks_then_refuses_new_ones(
    service: TaskService, coordinator: ShutdownCoordinator
) -> None:
    task = BlockingTask()
    started = service.start_task(task)
    assert task.started.wait(5)
    threading.Timer(0.1, task.release.set).start()

    coordinator.shutdown()

    info = service.get_task_status(started.task_id)
    assert info is not None
    assert info.status is TaskStatus.COMPLETED
    with pytest.raises(TaskRejectedError):
        service.start_task(SumTask(), numbers=[1])


def test_runs_without_an_event_sender(coordinator: ShutdownCoordinator) -> None:
    service = TaskService(coordinator, None, max_workers=1)
    try:
        started = service.start_task(SumTask(), numbers=[2, 2])
        assert wait_for_status(service, started.task_id, TaskStatus.COMPLETED)
    finally:
        service.shutdown()
