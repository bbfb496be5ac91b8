from app.services.s3_service_extra import Extra
import app.services.s3_service_extra

TARGET = "app.services.s3_service_extra.boto3"
OTHER = app.services.s3_service_extra.Extra
