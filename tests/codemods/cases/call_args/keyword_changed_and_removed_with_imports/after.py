from dependency_injector import providers

from app.timeouts import SSE_TIMEOUT
from common.sse.connection_manager import ConnectionManager
from common.sse.defaults import DEFAULT_TIMEOUT

metrics = providers.Singleton(object)
connection_manager = providers.Singleton(
    ConnectionManager,
    gateway_url="http://127.0.0.1:9",
    http_timeout=DEFAULT_TIMEOUT,
    metrics_service=metrics,
)
other = providers.Singleton(object, http_timeout=SSE_TIMEOUT)
