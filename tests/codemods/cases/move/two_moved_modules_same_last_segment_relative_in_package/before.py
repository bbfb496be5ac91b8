"""API blueprints."""

from . import health
from . import metrics
from .parts import parts_bp

__all__ = ["health", "metrics", "parts_bp"]


def blueprints():
    return [health.health_bp, metrics.metrics_bp, parts_bp]
