class TestConnectionManager:
    def test_connect(self, manager):
        manager.on_connect("r", "t", "/")

    def test_disconnect(self, manager):
        manager.on_disconnect("t")


def test_stream_route(client):
    assert client.get("/api/sse/stream").status_code == 200
