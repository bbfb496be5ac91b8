"""Prometheus metrics: the base metrics service and the ``/metrics`` endpoint."""
