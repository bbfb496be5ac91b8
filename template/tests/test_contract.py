"""The names and signatures docs/common-api.md promises, read off the rendered ``common/``.

The migration rewrites the application's imports to these modules and deletes its
own copies, so a renamed parameter or a missing name here breaks migrated code.
"""

import importlib
import inspect
from typing import Any

import pytest

# Module map: where the migration's ``move`` codemod sends each application module.
MOVED_NAMES = {
    "common.storage.s3_service": ["S3Service", "S3ServiceError", "S3ObjectNotFoundError"],
    "common.sse.connection_manager": [
        "ConnectionManager",
        "SSEGatewayConnectCallback",
        "SSEGatewayDisconnectCallback",
        "SSEGatewaySendRequest",
        "SSEGatewayEvent",
        "requests",
    ],
    "common.sse.routes": ["sse_bp"],
    "common.tasks.service": [
        "TaskService",
        "BaseTask",
        "ProgressHandle",
        "TaskProgressHandle",
        "TaskStatus",
        "TaskInfo",
        "TaskStartResponse",
        "TaskEvent",
        "TaskEventType",
        "datetime",
    ],
    "common.core.shutdown": ["LifetimeEvent", "ShutdownCoordinatorProtocol", "ShutdownCoordinator"],
    # The IoT backend's names (app.utils.lifecycle_coordinator) move here unchanged.
    "common.core.lifecycle": [
        "LifecycleEvent",
        "LifecycleCoordinatorProtocol",
        "LifecycleCoordinator",
    ],
    "common.core.errors": [
        "handle_api_errors",
        "error_response",
        "correlation_id",
        "register_error_mapping",
        "ErrorMapping",
    ],
    "common.core.public": ["public"],
    "common.auth.decorators": ["public", "allow_roles", "require_auth", "current_auth"],
    "common.auth.guard": ["protect_blueprint", "extract_token", "authenticate_request"],
    "common.auth.client": ["OidcClient", "TokenSet"],
    "common.auth.oidc": ["TokenValidator", "AuthenticationError"],
    "common.auth.context": ["AuthContext"],
    "common.storage.cas": ["ContentAddressedStorage", "StoredContent"],
    "common.health.routes": [
        "health_bp",
        "check_db_connection",
        "get_pending_migrations",
        "register_health_check",
    ],
    "common.metrics.routes": ["metrics_bp"],
    "common.metrics.service": ["MetricsService", "MetricsServiceProtocol"],
    "common.core.app": [
        "App",
        "create_base_app",
        "configure_database",
        "configure_error_handlers",
    ],
    "common.core.runner": ["run_app"],
    "common.core.spectree": ["configure_spectree"],
    "common.core.container": ["CommonContainer"],
    "common.core.settings": ["CommonSettings", "adapt_settings"],
}

# (callable, parameter names in order, defaults that the contract fixes)
SIGNATURES: list[tuple[str, list[str], dict[str, Any]]] = [
    ("common.storage.s3_service:S3Service", ["settings"], {}),
    (
        "common.storage.s3_service:S3Service.upload_file",
        ["self", "file_obj", "s3_key", "content_type"],
        {"content_type": None},
    ),
    ("common.storage.s3_service:S3Service.download_file", ["self", "s3_key"], {}),
    (
        "common.storage.s3_service:S3Service.copy_file",
        ["self", "source_s3_key", "target_s3_key"],
        {},
    ),
    ("common.storage.s3_service:S3Service.delete_file", ["self", "s3_key"], {}),
    ("common.storage.s3_service:S3Service.file_exists", ["self", "s3_key"], {}),
    ("common.storage.s3_service:S3Service.get_file_metadata", ["self", "s3_key"], {}),
    ("common.storage.s3_service:S3Service.ensure_bucket_exists", ["self"], {}),
    (
        "common.sse.connection_manager:ConnectionManager",
        ["gateway_url", "metrics_service", "http_timeout"],
        {"metrics_service": None, "http_timeout": 5.0},
    ),
    (
        "common.sse.connection_manager:ConnectionManager.register_on_connect",
        ["self", "callback"],
        {},
    ),
    (
        "common.sse.connection_manager:ConnectionManager.on_connect",
        ["self", "request_id", "token", "url"],
        {},
    ),
    ("common.sse.connection_manager:ConnectionManager.on_disconnect", ["self", "token"], {}),
    (
        "common.sse.connection_manager:ConnectionManager.has_connection",
        ["self", "request_id"],
        {},
    ),
    (
        "common.sse.connection_manager:ConnectionManager.send_event",
        ["self", "request_id", "event_data", "event_name", "service_type"],
        {},
    ),
    (
        "common.tasks.service:TaskService",
        [
            "shutdown_coordinator",
            "connection_manager",
            "max_workers",
            "task_timeout",
            "cleanup_interval",
        ],
        {"max_workers": 4, "task_timeout": 300, "cleanup_interval": 600},
    ),
    ("common.tasks.service:TaskService.start_task", ["self", "task", "kwargs"], {}),
    ("common.tasks.service:TaskService.get_task_status", ["self", "task_id"], {}),
    ("common.tasks.service:TaskService.cancel_task", ["self", "task_id"], {}),
    ("common.tasks.service:TaskService.remove_completed_task", ["self", "task_id"], {}),
    ("common.tasks.service:TaskService.shutdown", ["self"], {}),
    ("common.tasks.service:TaskService.startup", ["self"], {}),
    (
        "common.tasks.service:BaseTask.execute",
        ["self", "progress_handle", "kwargs"],
        {},
    ),
    (
        "common.tasks.service:TaskProgressHandle",
        ["task_id", "connection_manager"],
        {},
    ),
    (
        "common.core.shutdown:ShutdownCoordinator",
        ["graceful_shutdown_timeout"],
        {},
    ),
    (
        "common.core.shutdown:ShutdownCoordinator.register_lifetime_notification",
        ["self", "callback"],
        {},
    ),
    (
        "common.core.shutdown:ShutdownCoordinator.register_shutdown_waiter",
        ["self", "name", "handler"],
        {},
    ),
    (
        "common.core.lifecycle:LifecycleCoordinator.register_lifecycle_notification",
        ["self", "callback"],
        {},
    ),
    ("common.core.lifecycle:LifecycleCoordinator.fire_startup", ["self"], {}),
    ("common.core.lifecycle:LifecycleCoordinator.shutdown", ["self"], {}),
    (
        "common.core.lifecycle:LifecycleCoordinator.initialize",
        ["self", "exit_on_signal"],
        {"exit_on_signal": True},
    ),
    (
        "common.metrics.service:MetricsService",
        ["settings", "shutdown_coordinator"],
        {"settings": None, "shutdown_coordinator": None},
    ),
    (
        "common.metrics.service:MetricsService.register_for_polling",
        ["self", "name", "callback"],
        {},
    ),
    (
        "common.metrics.service:MetricsService.start_background_updater",
        ["self", "interval_seconds", "initial_delay_seconds"],
        {"interval_seconds": None, "initial_delay_seconds": None},
    ),
    ("common.metrics.service:MetricsService.update_metrics", ["self"], {}),
    ("common.metrics.service:MetricsService.shutdown", ["self"], {}),
    ("common.core.app:configure_database", ["app", "settings", "engine"], {"engine": None}),
    ("common.core.app:configure_error_handlers", ["app"], {}),
    (
        "common.core.runner:run_app",
        ["create_app", "host", "port", "threads", "middleware", "development", "exit_on_signal"],
        {
            "host": None,
            "port": None,
            "threads": None,
            "middleware": (),
            "development": None,
            "exit_on_signal": True,
        },
    ),
    ("common.core.errors:handle_api_errors", ["view"], {}),
    (
        "common.core.errors:error_response",
        ["message", "status", "details", "code"],
        {"details": None, "code": None},
    ),
    ("common.health.routes:register_health_check", ["app", "name", "check"], {}),
    ("common.core.settings:adapt_settings", ["settings", "aliases"], {"aliases": None}),
    ("common.storage.cas:ContentAddressedStorage", ["s3_service"], {}),
    (
        "common.storage.cas:ContentAddressedStorage.upload_cas",
        ["self", "content", "content_type"],
        {"content_type": None},
    ),
    ("common.core.spectree:configure_spectree", ["app", "title", "version"], {}),
]


def resolve(target: str) -> Any:
    module_name, _, qualified = target.partition(":")
    value: Any = importlib.import_module(module_name)
    for part in qualified.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize(("module", "names"), sorted(MOVED_NAMES.items()))
def test_moved_names_exist(module: str, names: list[str]) -> None:
    imported = importlib.import_module(module)
    assert [name for name in names if not hasattr(imported, name)] == []


@pytest.mark.parametrize(("target", "parameters", "defaults"), SIGNATURES, ids=lambda v: str(v))
def test_signature(target: str, parameters: list[str], defaults: dict[str, Any]) -> None:
    signature = inspect.signature(resolve(target))
    assert list(signature.parameters) == parameters
    for name, default in defaults.items():
        assert signature.parameters[name].default == default


def test_create_base_app_takes_the_settings_first() -> None:
    parameters = list(inspect.signature(resolve("common.core.app:create_base_app")).parameters)
    assert parameters[0] == "settings"


def test_container_providers() -> None:
    from dependency_injector import providers

    from common.core.container import CommonContainer
    from common.core.settings import adapt_settings

    # Any settings object: the infrastructure reads it through common_settings.
    assert isinstance(CommonContainer.config, providers.Dependency)
    assert CommonContainer.config.instance_of is object
    assert isinstance(CommonContainer.common_settings, providers.Callable)
    assert CommonContainer.common_settings.provides is adapt_settings
    assert CommonContainer.lifecycle_coordinator is CommonContainer.shutdown_coordinator
    assert isinstance(CommonContainer.session_maker, providers.Dependency)
    assert isinstance(CommonContainer.db_session, providers.ContextLocalSingleton)
    for name in ("shutdown_coordinator", "metrics_service", "connection_manager", "task_service"):
        assert isinstance(getattr(CommonContainer, name), providers.Singleton), name
    assert isinstance(CommonContainer.s3_service, providers.Factory)
    assert not isinstance(CommonContainer.s3_service, providers.Singleton)


def test_task_status_values() -> None:
    from common.tasks.service import TaskStatus

    assert issubclass(TaskStatus, str)
    assert [status.value for status in TaskStatus] == [
        "pending",
        "running",
        "completed",
        "failed",
        "cancelled",
    ]


def test_s3_errors_hierarchy() -> None:
    from common.storage.s3_service import S3ObjectNotFoundError, S3ServiceError

    assert issubclass(S3ObjectNotFoundError, S3ServiceError)
