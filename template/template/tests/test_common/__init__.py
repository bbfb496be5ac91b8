"""Tests of the shared infrastructure in ``common/`` (owned by the template)."""
