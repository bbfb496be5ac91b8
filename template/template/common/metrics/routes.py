"""``GET /metrics``: every metric of the process in the Prometheus text format."""

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from common.core.public import public

metrics_bp = Blueprint("metrics", __name__)


@metrics_bp.route("/metrics", methods=["GET"])
@public
def get_metrics() -> Response:
    """Expose the default Prometheus registry for scraping."""
    return Response(generate_latest(), content_type=CONTENT_TYPE_LATEST)
