from dependency_injector import providers

from app.services.retries import ExponentialBackoff
from app.timeouts import SSE_TIMEOUT
from common.sse.connection_manager import ConnectionManager

metrics = providers.Singleton(object)
connection_manager = providers.Singleton(
    ConnectionManager,
    gateway_url="http://127.0.0.1:9",
    http_timeout=SSE_TIMEOUT,
    retry_policy=ExponentialBackoff(3),
)
other = providers.Singleton(object, http_timeout=SSE_TIMEOUT)
