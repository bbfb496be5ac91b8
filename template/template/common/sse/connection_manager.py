"""Connections held by the SSE Gateway and the events the application sends through it.

The gateway keeps the browsers' event streams open and tells the application who
connected (``POST /api/sse/callback``); the application sends events back with
``POST <SSE_GATEWAY_URL>/internal/send``. A client names its stream with the
``request_id`` query parameter; the gateway names the connection with a token.
This module maps one to the other.
"""

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import parse_qs, urlparse

import requests
from pydantic import BaseModel, Field

from common.metrics.service import MetricsServiceProtocol

logger = logging.getLogger(__name__)


class SSEGatewayRequestInfo(BaseModel):
    """The client's original request, as the gateway forwards it."""

    url: str
    headers: dict[str, str] = Field(default_factory=dict)


class SSEGatewayConnectCallback(BaseModel):
    """Gateway -> application: a client opened an event stream."""

    action: Literal["connect"]
    token: str
    request: SSEGatewayRequestInfo


class SSEGatewayDisconnectCallback(BaseModel):
    """Gateway -> application: an event stream closed."""

    action: Literal["disconnect"]
    token: str
    reason: str = "client_closed"
    request: SSEGatewayRequestInfo | None = None


class SSEGatewayEvent(BaseModel):
    """One server-sent event; ``data`` is a JSON document serialized to a string."""

    name: str
    data: str


class SSEGatewaySendRequest(BaseModel):
    """Application -> gateway: deliver ``event`` on the connection ``token``."""

    token: str
    event: SSEGatewayEvent | None = None
    close: bool = False


def request_id_from_url(url: str) -> str | None:
    """The ``request_id`` query parameter of a stream URL, if it has one."""
    values = parse_qs(urlparse(url).query).get("request_id")
    return values[0] if values else None


class ConnectionManager:
    """Tracks request_id <-> gateway token and sends events to one client or to all."""

    def __init__(
        self,
        gateway_url: str,
        metrics_service: MetricsServiceProtocol | None = None,
        http_timeout: float = 5.0,
    ) -> None:
        self.gateway_url = gateway_url.rstrip("/")
        self.metrics_service = metrics_service
        self.http_timeout = http_timeout
        self._tokens_by_request_id: dict[str, str] = {}
        self._request_ids_by_token: dict[str, str] = {}
        self._on_connect_callbacks: list[Callable[[str], None]] = []
        self._lock = threading.RLock()

    @property
    def send_url(self) -> str:
        return f"{self.gateway_url}/internal/send"

    def register_on_connect(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(request_id)`` whenever a client connects."""
        with self._lock:
            self._on_connect_callbacks.append(callback)

    def on_connect(self, request_id: str, token: str, url: str) -> None:
        """Record a new connection; an older one for the same request_id gets closed."""
        with self._lock:
            previous_token = self._tokens_by_request_id.get(request_id)
            if previous_token is not None:
                self._request_ids_by_token.pop(previous_token, None)
            self._tokens_by_request_id[request_id] = token
            self._request_ids_by_token[token] = request_id
            callbacks = list(self._on_connect_callbacks)
            active = len(self._tokens_by_request_id)

        if previous_token is not None and previous_token != token:
            logger.info(
                "SSE connection replaced",
                extra={"request_id": request_id, "token": token, "previous_token": previous_token},
            )
            self._record_connection("replace")
            self._close_connection(previous_token)
        logger.info(
            "SSE client connected", extra={"request_id": request_id, "token": token, "url": url}
        )
        self._record_connection("connect")
        self._set_active_connections(active)

        for callback in callbacks:
            try:
                callback(request_id)
            except Exception:
                logger.exception(
                    "SSE on-connect observer failed",
                    extra={"request_id": request_id, "observer": repr(callback)},
                )

    def on_disconnect(self, token: str) -> None:
        """Forget a connection; an unknown token (already replaced) is ignored."""
        with self._lock:
            request_id = self._request_ids_by_token.pop(token, None)
            if request_id is not None and self._tokens_by_request_id.get(request_id) == token:
                del self._tokens_by_request_id[request_id]
            active = len(self._tokens_by_request_id)

        if request_id is None:
            logger.debug("SSE disconnect for unknown token", extra={"token": token})
            return
        logger.info("SSE client disconnected", extra={"request_id": request_id, "token": token})
        self._record_connection("disconnect")
        self._set_active_connections(active)

    def has_connection(self, request_id: str) -> bool:
        with self._lock:
            return request_id in self._tokens_by_request_id

    def send_event(
        self,
        request_id: str | None,
        event_data: dict[str, Any],
        event_name: str,
        service_type: str,
    ) -> bool:
        """Send to the client ``request_id``, or to every client when it is None.

        True when every delivery succeeded (a broadcast to nobody succeeds);
        False when ``request_id`` has no stream. A failed delivery is logged and
        counted and never raises, so a gateway outage does not break callers.
        """
        with self._lock:
            if request_id is None:
                targets = list(self._tokens_by_request_id.items())
            else:
                token = self._tokens_by_request_id.get(request_id)
                targets = [(request_id, token)] if token is not None else []

        if request_id is not None and not targets:
            logger.debug(
                "No SSE stream for request",
                extra={
                    "request_id": request_id,
                    "event_name": event_name,
                    "service_type": service_type,
                },
            )
            return False

        event = SSEGatewayEvent(name=event_name, data=json.dumps(event_data, default=str))
        results = [
            self._send(target_request_id, token, event, service_type)
            for target_request_id, token in targets
        ]
        return all(results)

    def _send(self, request_id: str, token: str, event: SSEGatewayEvent, service_type: str) -> bool:
        payload = SSEGatewaySendRequest(token=token, event=event, close=False)
        started = time.perf_counter()
        try:
            response = requests.post(
                self.send_url, json=payload.model_dump(exclude_none=True), timeout=self.http_timeout
            )
        except requests.RequestException as error:
            self._record_event(service_type, "error", time.perf_counter() - started)
            logger.warning(
                "SSE event delivery failed",
                extra={
                    "request_id": request_id,
                    "token": token,
                    "event_name": event.name,
                    "service_type": service_type,
                    "error": str(error),
                },
            )
            return False

        duration = time.perf_counter() - started
        if response.status_code == 404:
            # The gateway no longer knows the token: the client is gone.
            self._record_event(service_type, "gone", duration)
            logger.info(
                "SSE connection gone at the gateway",
                extra={"request_id": request_id, "token": token, "service_type": service_type},
            )
            self.on_disconnect(token)
            return False
        if not response.ok:
            self._record_event(service_type, "error", duration)
            logger.warning(
                "SSE gateway rejected event",
                extra={
                    "request_id": request_id,
                    "token": token,
                    "event_name": event.name,
                    "service_type": service_type,
                    "status_code": response.status_code,
                },
            )
            return False

        self._record_event(service_type, "success", duration)
        logger.debug(
            "SSE event sent",
            extra={
                "request_id": request_id,
                "event_name": event.name,
                "service_type": service_type,
                "duration_seconds": round(duration, 4),
            },
        )
        return True

    def _close_connection(self, token: str) -> None:
        payload = SSEGatewaySendRequest(token=token, close=True)
        try:
            requests.post(
                self.send_url, json=payload.model_dump(exclude_none=True), timeout=self.http_timeout
            )
        except requests.RequestException as error:
            logger.warning(
                "Closing replaced SSE connection failed",
                extra={"token": token, "error": str(error)},
            )

    def _record_connection(self, action: str) -> None:
        if self.metrics_service is not None:
            self.metrics_service.record_sse_gateway_connection(action)

    def _record_event(self, service_type: str, status: str, duration: float) -> None:
        if self.metrics_service is not None:
            self.metrics_service.record_sse_gateway_event(service_type, status, duration)

    def _set_active_connections(self, count: int) -> None:
        if self.metrics_service is not None:
            self.metrics_service.set_sse_gateway_active_connections(count)
