from common.core.shutdown import LifetimeEvent
from common.core.shutdown import ShutdownCoordinator
from common.storage.s3_service import S3Service
