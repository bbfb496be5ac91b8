"""SSE: the gateway callback route and the connection manager (gateway calls patched)."""

from unittest.mock import MagicMock, patch

from flask.testing import FlaskClient

from common.core.app import App, create_base_app
from common.core.container import CommonContainer
from common.sse.routes import sse_bp

STREAM_URL = "http://frontend.test/api/sse/stream?request_id=req-1"


def connect_payload(token: str) -> dict[str, object]:
    return {
        "action": "connect",
        "token": token,
        "request": {"url": STREAM_URL, "headers": {}},
    }


def test_callback_connect_and_disconnect(
    common_client: FlaskClient, common_container: CommonContainer
) -> None:
    manager = common_container.connection_manager()
    url = "/api/sse/callback?secret=callback-secret"

    response = common_client.post(url, json=connect_payload("tok-1"))
    assert response.status_code == 200
    assert response.get_json() == {}
    assert manager.has_connection("req-1")

    response = common_client.post(
        url,
        json={
            "action": "disconnect",
            "reason": "client_closed",
            "token": "tok-1",
            "request": {"url": STREAM_URL},
        },
    )
    assert response.status_code == 200
    assert not manager.has_connection("req-1")


def test_callback_rejects_wrong_secret_and_bad_payloads(common_client: FlaskClient) -> None:
    assert common_client.post("/api/sse/callback?secret=nope", json={}).status_code == 401
    url = "/api/sse/callback?secret=callback-secret"
    assert common_client.post(url, json={"action": "dance"}).status_code == 400
    assert common_client.post(url, json={"action": "connect"}).status_code == 400
    assert common_client.post(url, data="not json").status_code == 400


def test_url_prefix_is_a_registration_parameter(common_app: App) -> None:
    app = create_base_app(common_app.container.config())
    app.container = common_app.container
    app.register_blueprint(sse_bp, url_prefix="/internal/events")
    client = app.test_client()
    url = "/internal/events/callback?secret=callback-secret"
    assert client.post(url, json=connect_payload("tok-2")).status_code == 200
    assert client.post("/api/sse/callback", json={}).status_code == 404


def test_send_event_posts_to_gateway(common_container: CommonContainer) -> None:
    manager = common_container.connection_manager()
    manager.on_connect("req-1", "tok-1", STREAM_URL)
    with patch("common.sse.connection_manager.requests.post") as post:
        post.return_value = MagicMock(status_code=200, ok=True)
        assert manager.send_event("req-1", {"n": 1}, event_name="update", service_type="test")
    post.assert_called_once()
    assert post.call_args.args[0] == "http://sse-gateway.invalid/internal/send"
    assert post.call_args.kwargs["json"] == {
        "token": "tok-1",
        "event": {"name": "update", "data": '{"n": 1}'},
        "close": False,
    }
