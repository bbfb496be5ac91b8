"""The container after the migration (the seed's Phase 2.2), with one domain service."""

from dependency_injector import providers

from common.core.container import CommonContainer
from common.sse.connection_manager import ConnectionManager
from common.storage.s3_service import S3Service


class PartService:
    def __init__(self, db: object, s3_service: S3Service) -> None:
        self.db = db
        self.s3_service = s3_service


class AppContainer(CommonContainer):
    """App container extending common infrastructure."""

    # Override s3_service to use common implementation
    s3_service = providers.Factory(
        S3Service,
        settings=CommonContainer.config.provided,
    )

    # Override connection_manager to use common implementation
    connection_manager = providers.Singleton(
        ConnectionManager,
        gateway_url=CommonContainer.config.provided.SSE_GATEWAY_URL,
        metrics_service=CommonContainer.metrics_service.provided,
        http_timeout=2.0,
    )

    part_service = providers.Factory(
        PartService, db=CommonContainer.db_session, s3_service=s3_service
    )
