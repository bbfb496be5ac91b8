from dependency_injector import containers, providers

from common.storage.s3_service import S3Service


class Services(containers.DeclarativeContainer):
    blob_store = providers.Factory(S3Service)
