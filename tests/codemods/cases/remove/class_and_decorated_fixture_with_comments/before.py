"""Fixtures."""

import threading
from http.server import ThreadingHTTPServer

import pytest


@pytest.fixture
def settings():
    return {"DEBUG": True}


# A fake SSE gateway the connection manager sends events to; it records them.
class FakeGateway:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), None)
        self.thread = threading.Thread(target=self.server.serve_forever)


# One gateway per test, stopped afterwards.
@pytest.fixture
def gateway():
    fake = FakeGateway()
    yield fake
    fake.server.shutdown()


@pytest.fixture
def client(settings):
    return settings
