import os
from pathlib import Path
import sys

from app.core.storage import S3Service
from app.models import Part
import app.utils


def store(part: Part) -> None:
    S3Service().upload(Path(os.sep), sys.argv, app.utils)
