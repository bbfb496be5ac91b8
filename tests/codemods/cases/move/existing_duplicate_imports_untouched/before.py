from common.core.shutdown import LifetimeEvent
from common.core.shutdown import ShutdownCoordinator
from app.services.s3_service import S3Service
