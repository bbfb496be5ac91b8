"""Serve the Electronics Inventory backend (waitress; graceful shutdown on SIGTERM)."""

from app import create_app
from common.core.runner import run_app

if __name__ == "__main__":
    run_app(create_app)
