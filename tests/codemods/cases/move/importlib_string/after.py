import importlib

storage = importlib.import_module("common.storage.s3_service")
shutdown = importlib.import_module(name="common.core.shutdown")
