class TestConnectionManager:
    pass


def test_stream_route(client):
    assert client.get("/api/sse/stream").status_code == 200
