"""Kubernetes-style probes: liveness, readiness and the drain endpoint."""
