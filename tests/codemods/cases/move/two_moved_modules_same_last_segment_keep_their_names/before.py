"""The blueprints the app registers."""

from app.api import health, metrics, parts

__all__ = ["health", "metrics", "parts"]

BLUEPRINTS = [health.health_bp, metrics.metrics_bp, parts.parts_bp]
