import importlib

storage = importlib.import_module("app.services.s3_service")
shutdown = importlib.import_module(name="app.utils.shutdown_coordinator")
