"""Background tasks with progress reported as server-sent events.

A long operation subclasses :class:`BaseTask`; :meth:`TaskService.start_task`
runs it on a thread pool and answers at once with the task id and the stream
URL. The client opens that stream with ``request_id=<task id>`` and receives
``task_event`` events: started, progress updates, then completed (with the
task's result), failed or cancelled. Without an event sender (no SSE in the
project) tasks run the same and report only through :meth:`get_task_status`.
"""

import logging
import threading
import time
import uuid
from abc import ABC, abstractmethod
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Protocol

from prometheus_client import Counter, Gauge, Histogram
from pydantic import BaseModel, Field

from common.core.lifecycle import LifecycleCoordinatorProtocol, LifecycleEvent

logger = logging.getLogger(__name__)

TASK_EXECUTIONS_TOTAL = Counter(
    "task_executions_total", "Background tasks that finished", ["task_type", "status"]
)
TASK_DURATION_SECONDS = Histogram(
    "task_duration_seconds", "Run time of background tasks", ["task_type"]
)
TASK_ACTIVE = Gauge("task_active", "Background tasks pending or running")


class TaskRejectedError(RuntimeError):
    """The service is shutting down and starts no new tasks."""


class TaskStatus(str, Enum):
    """Where a task is in its life."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


_ACTIVE_STATUSES = (TaskStatus.PENDING, TaskStatus.RUNNING)


class TaskEventType(str, Enum):
    """Kinds of ``task_event`` sent to a task's stream."""

    TASK_STARTED = "task_started"
    PROGRESS_UPDATE = "progress_update"
    TASK_COMPLETED = "task_completed"
    TASK_FAILED = "task_failed"
    TASK_CANCELLED = "task_cancelled"


class TaskEvent(BaseModel):
    """One event of a task's stream."""

    event_type: TaskEventType
    task_id: str
    timestamp: datetime
    data: dict[str, Any] | None = None


class TaskInfo(BaseModel):
    """Status of a task as a status endpoint reports it."""

    task_id: str
    status: TaskStatus
    start_time: datetime
    end_time: datetime | None = None
    progress: float = 0.0
    progress_text: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None


class TaskStartResponse(BaseModel):
    """Answer to a request that started a task."""

    task_id: str
    stream_url: str
    status: TaskStatus = Field(default=TaskStatus.PENDING)


class TaskEventSender(Protocol):
    """Where task events go: the SSE connection manager."""

    def send_event(
        self,
        request_id: str | None,
        event_data: dict[str, Any],
        event_name: str,
        service_type: str,
    ) -> bool: ...


class ProgressHandle(Protocol):
    """What a running task uses to report progress (``value`` is clamped to 0..1)."""

    def send_progress_text(self, text: str) -> None: ...

    def send_progress_value(self, value: float) -> None: ...

    def send_progress(self, text: str, value: float) -> None: ...


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _send_task_event(
    connection_manager: TaskEventSender | None,
    task_id: str,
    event_type: TaskEventType,
    data: dict[str, Any] | None = None,
) -> None:
    if connection_manager is None:
        return
    event = TaskEvent(
        event_type=event_type, task_id=task_id, timestamp=datetime.now(UTC), data=data
    )
    connection_manager.send_event(
        task_id, event.model_dump(mode="json"), event_name="task_event", service_type="task"
    )


class TaskProgressHandle:
    """Progress reporting of one task, sent as ``progress_update`` events."""

    def __init__(self, task_id: str, connection_manager: TaskEventSender | None) -> None:
        self.task_id = task_id
        self.connection_manager = connection_manager

    def send_progress_text(self, text: str) -> None:
        self._send({"text": text})

    def send_progress_value(self, value: float) -> None:
        self._send({"value": _clamp(value)})

    def send_progress(self, text: str, value: float) -> None:
        self._send({"text": text, "value": _clamp(value)})

    def _send(self, data: dict[str, Any]) -> None:
        _send_task_event(self.connection_manager, self.task_id, TaskEventType.PROGRESS_UPDATE, data)


class BaseTask(ABC):
    """A unit of background work; subclasses implement :meth:`execute`."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()

    @abstractmethod
    def execute(self, progress_handle: ProgressHandle, **kwargs: Any) -> BaseModel:
        """Do the work, reporting progress; return the result model."""

    def cancel(self) -> None:
        """Ask the task to stop; :meth:`execute` checks :attr:`is_cancelled` between steps."""
        self._cancelled.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()


class _TrackedProgressHandle(TaskProgressHandle):
    """A progress handle that also records the latest progress on the task's info."""

    def __init__(
        self, task_id: str, connection_manager: TaskEventSender | None, service: "TaskService"
    ) -> None:
        super().__init__(task_id, connection_manager)
        self._service = service

    def send_progress_text(self, text: str) -> None:
        self._service._record_progress(self.task_id, text=text)
        super().send_progress_text(text)

    def send_progress_value(self, value: float) -> None:
        self._service._record_progress(self.task_id, value=_clamp(value))
        super().send_progress_value(value)

    def send_progress(self, text: str, value: float) -> None:
        self._service._record_progress(self.task_id, text=text, value=_clamp(value))
        super().send_progress(text, value)


class TaskService:
    """Runs background tasks on a thread pool and keeps their status for a while.

    Finished tasks are forgotten ``cleanup_interval`` seconds after they end;
    tasks running longer than ``task_timeout`` are cancelled and marked failed.
    Shutdown waits for active tasks (it registers as a shutdown waiter).
    """

    def __init__(
        self,
        shutdown_coordinator: LifecycleCoordinatorProtocol,
        connection_manager: TaskEventSender | None,
        max_workers: int = 4,
        task_timeout: int = 300,
        cleanup_interval: int = 600,
    ) -> None:
        self.shutdown_coordinator = shutdown_coordinator
        self.connection_manager = connection_manager
        self.max_workers = max_workers
        self.task_timeout = task_timeout
        self.cleanup_interval = cleanup_interval

        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="task")
        self._tasks: dict[str, TaskInfo] = {}
        self._instances: dict[str, BaseTask] = {}
        self._futures: dict[str, Future[None]] = {}
        self._started_at: dict[str, float] = {}
        self._lock = threading.RLock()
        self._shutdown_event = threading.Event()
        self._cleanup_thread: threading.Thread | None = None

        shutdown_coordinator.register_lifecycle_notification(self._on_lifetime_event)
        shutdown_coordinator.register_shutdown_waiter("TaskService", self._wait_for_tasks)

    def startup(self) -> None:
        """Start the thread that forgets finished tasks and times out stuck ones."""
        if self._cleanup_thread is not None:
            return
        self._cleanup_thread = threading.Thread(
            target=self._cleanup_loop, name="task-cleanup", daemon=True
        )
        self._cleanup_thread.start()

    def start_task(self, task: BaseTask, **kwargs: Any) -> TaskStartResponse:
        """Queue ``task``; ``kwargs`` go to :meth:`BaseTask.execute`."""
        if self.shutdown_coordinator.is_shutting_down():
            raise TaskRejectedError("The service is shutting down; no new tasks start")

        task_id = str(uuid.uuid4())
        info = TaskInfo(task_id=task_id, status=TaskStatus.PENDING, start_time=datetime.now(UTC))
        with self._lock:
            self._tasks[task_id] = info
            self._instances[task_id] = task
            self._futures[task_id] = self._executor.submit(self._run, task_id, task, kwargs)
            self._update_active_gauge()

        logger.info("Task queued", extra={"task_id": task_id, "task_type": type(task).__name__})
        return TaskStartResponse(
            task_id=task_id,
            stream_url=f"/api/sse/tasks?request_id={task_id}",
            status=TaskStatus.PENDING,
        )

    def get_task_status(self, task_id: str) -> TaskInfo | None:
        """A snapshot of the task's status, or None when unknown or expired."""
        with self._lock:
            info = self._tasks.get(task_id)
            return info.model_copy() if info is not None else None

    def cancel_task(self, task_id: str) -> bool:
        """Ask a pending or running task to stop; False when unknown or already finished."""
        with self._lock:
            info = self._tasks.get(task_id)
            task = self._instances.get(task_id)
            if info is None or task is None or info.status not in _ACTIVE_STATUSES:
                return False
            task.cancel()
            future = self._futures.get(task_id)
            if future is not None and future.cancel():
                # Never started: no worker will record the cancellation.
                self._finish(task_id, TaskStatus.CANCELLED)
        return True

    def remove_completed_task(self, task_id: str) -> bool:
        """Forget a finished task; False when it is unknown or still active."""
        with self._lock:
            info = self._tasks.get(task_id)
            if info is None or info.status in _ACTIVE_STATUSES:
                return False
            self._forget(task_id)
        return True

    def shutdown(self) -> None:
        """Cancel active tasks and stop the pool and the cleanup thread."""
        self._shutdown_event.set()
        with self._lock:
            for task_id, info in self._tasks.items():
                if info.status in _ACTIVE_STATUSES:
                    self._instances[task_id].cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
        if self._cleanup_thread is not None:
            self._cleanup_thread.join(timeout=1.0)
            self._cleanup_thread = None

    def _run(self, task_id: str, task: BaseTask, kwargs: dict[str, Any]) -> None:
        with self._lock:
            info = self._tasks.get(task_id)
            if info is None:
                return
            info.status = TaskStatus.RUNNING
            self._started_at[task_id] = time.perf_counter()
        _send_task_event(self.connection_manager, task_id, TaskEventType.TASK_STARTED)

        handle = _TrackedProgressHandle(task_id, self.connection_manager, self)
        try:
            result = task.execute(handle, **kwargs)
        except Exception as error:
            logger.exception("Task failed", extra={"task_id": task_id})
            self._finish(task_id, TaskStatus.FAILED, error=str(error))
            return

        if task.is_cancelled:
            self._finish(task_id, TaskStatus.CANCELLED)
        else:
            self._finish(task_id, TaskStatus.COMPLETED, result=result.model_dump(mode="json"))

    def _finish(
        self,
        task_id: str,
        status: TaskStatus,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        with self._lock:
            info = self._tasks.get(task_id)
            if info is None or info.status not in _ACTIVE_STATUSES:
                return
            info.status = status
            info.end_time = datetime.now(UTC)
            info.result = result
            info.error = error
            if status is TaskStatus.COMPLETED:
                info.progress = 1.0
            started = self._started_at.pop(task_id, None)
            task_type = type(self._instances[task_id]).__name__
            self._update_active_gauge()

        TASK_EXECUTIONS_TOTAL.labels(task_type=task_type, status=status.value).inc()
        if started is not None:
            TASK_DURATION_SECONDS.labels(task_type=task_type).observe(time.perf_counter() - started)
        event_type = {
            TaskStatus.COMPLETED: TaskEventType.TASK_COMPLETED,
            TaskStatus.FAILED: TaskEventType.TASK_FAILED,
            TaskStatus.CANCELLED: TaskEventType.TASK_CANCELLED,
        }[status]
        data: dict[str, Any] = {}
        if result is not None:
            data["result"] = result
        if error is not None:
            data["error"] = error
        _send_task_event(self.connection_manager, task_id, event_type, data or None)
        logger.info("Task finished", extra={"task_id": task_id, "status": status.value})

    def _record_progress(
        self, task_id: str, text: str | None = None, value: float | None = None
    ) -> None:
        with self._lock:
            info = self._tasks.get(task_id)
            if info is None:
                return
            if text is not None:
                info.progress_text = text
            if value is not None:
                info.progress = value

    def _update_active_gauge(self) -> None:
        TASK_ACTIVE.set(sum(1 for info in self._tasks.values() if info.status in _ACTIVE_STATUSES))

    def _forget(self, task_id: str) -> None:
        self._tasks.pop(task_id, None)
        self._instances.pop(task_id, None)
        self._futures.pop(task_id, None)
        self._started_at.pop(task_id, None)

    def _cleanup_loop(self) -> None:
        # Wake often enough to enforce the timeout even with a long cleanup interval.
        wait_seconds = max(1, min(self.cleanup_interval, self.task_timeout))
        while not self._shutdown_event.wait(wait_seconds):
            try:
                self._cleanup_completed_tasks()
            except Exception:
                logger.exception("Task cleanup failed")

    def _cleanup_completed_tasks(self) -> None:
        """Forget finished tasks older than the cleanup interval; time out stuck ones."""
        now = datetime.now(UTC)
        timed_out: list[str] = []
        with self._lock:
            for task_id, info in list(self._tasks.items()):
                if info.end_time is not None:
                    if (now - info.end_time).total_seconds() > self.cleanup_interval:
                        self._forget(task_id)
                elif (now - info.start_time).total_seconds() > self.task_timeout:
                    self._instances[task_id].cancel()
                    timed_out.append(task_id)
        for task_id in timed_out:
            self._finish(
                task_id, TaskStatus.FAILED, error=f"Task timed out after {self.task_timeout}s"
            )

    def _on_lifetime_event(self, event: LifecycleEvent) -> None:
        if event is LifecycleEvent.AFTER_SHUTDOWN:
            self.shutdown()

    def _wait_for_tasks(self, timeout: float) -> bool:
        """Shutdown waiter: block until active tasks finish or ``timeout`` passes."""
        with self._lock:
            active = [
                self._futures[task_id]
                for task_id, info in self._tasks.items()
                if info.status in _ACTIVE_STATUSES and task_id in self._futures
            ]
        if not active:
            return True
        logger.info("Waiting for background tasks", extra={"count": len(active)})
        _done, not_done = wait(active, timeout=timeout)
        return not not_done
