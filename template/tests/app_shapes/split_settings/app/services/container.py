"""The service container, in app/services/ (container_module = app.services.container)."""

from dependency_injector import providers

from app.services.mqtt_service import MqttService
from common.core.container import CommonContainer
from common.core.settings import adapt_settings


class ServiceContainer(CommonContainer):
    # The model calls the clock skew ``oidc_leeway``.
    common_settings = providers.Callable(
        adapt_settings,
        CommonContainer.config,
        aliases={"OIDC_CLOCK_SKEW_SECONDS": "oidc_leeway"},
    )
    mqtt_service = providers.Singleton(MqttService, url=CommonContainer.config.provided.mqtt_url)


AppContainer = ServiceContainer
