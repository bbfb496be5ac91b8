"""Dependency injection container."""

from dependency_injector import providers

from app.services.document_service import DocumentService
from common.core.container import CommonContainer
from common.storage.s3_service import S3Service


class AppContainer(CommonContainer):
    """The app's services."""

    s3_service = providers.Factory(S3Service, settings=CommonContainer.config)

    document_service = providers.Factory(
        DocumentService,
        s3_service=CommonContainer.s3_service,  # written before the app re-declared it
    )
