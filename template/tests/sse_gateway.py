"""A fake SSE Gateway: the gateway's ``POST /internal/send`` API on a loopback port.

It records every request body and answers 200, or the status configured for a
token (404 = the gateway no longer knows the connection, 5xx = gateway trouble).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


class FakeGateway:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status_by_token: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def sent_to(self, token: str) -> list[dict[str, Any]]:
        """Bodies of the requests addressed to ``token``."""
        with self._lock:
            return [body for body in self.requests if body.get("token") == token]

    def events_to(self, token: str) -> list[dict[str, Any]]:
        """The events (``{"name", "data"}``, data decoded) delivered to ``token``."""
        return [
            {"name": body["event"]["name"], "data": json.loads(body["event"]["data"])}
            for body in self.sent_to(token)
            if "event" in body
        ]

    def _record(self, body: dict[str, Any]) -> int:
        with self._lock:
            self.requests.append(body)
            return self.status_by_token.get(body.get("token", ""), 200)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path != "/internal/send":
                    self._answer(404)
                    return
                length = int(self.headers.get("Content-Length", "0"))
                try:
                    body = json.loads(self.rfile.read(length))
                except ValueError:
                    self._answer(400)
                    return
                self._answer(gateway._record(body))

            def _answer(self, status: int) -> None:
                payload = b"{}"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        return Handler
