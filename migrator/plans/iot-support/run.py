"""Serve the IoT Support backend (waitress; graceful shutdown on SIGTERM or SIGINT)."""

from app import create_app
from common.core.runner import run_app

if __name__ == "__main__":
    run_app(create_app, threads=8)
