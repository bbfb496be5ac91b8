"""JSON error handlers of the rendered ``common/core/errors`` on the rendered app."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from common.storage.s3_service import S3ObjectNotFoundError, S3ServiceError


class PartRequest(BaseModel):
    key: str = Field(min_length=4)
    quantity: int


@pytest.fixture
def failing_client(app: Any) -> FlaskClient:
    """The rendered app plus routes that fail in every way the handlers cover."""

    @app.post("/api/parts")
    def create_part() -> dict[str, Any]:
        from flask import request

        return PartRequest.model_validate(request.get_json()).model_dump()

    @app.post("/api/duplicate")
    def duplicate() -> dict[str, Any]:
        session = app.container.db_session()
        session.execute(text("CREATE TABLE IF NOT EXISTS part (key TEXT PRIMARY KEY)"))
        session.execute(text("INSERT INTO part VALUES ('ABCD')"))
        session.execute(text("INSERT INTO part VALUES ('ABCD')"))
        return {}

    @app.get("/api/files/missing")
    def missing_file() -> dict[str, Any]:
        raise S3ObjectNotFoundError("cas/0123")

    @app.get("/api/files/broken")
    def broken_storage() -> dict[str, Any]:
        raise S3ServiceError("connection reset")

    @app.get("/api/crash")
    def crash() -> dict[str, Any]:
        raise KeyError("bug")

    return app.test_client()


def test_validation_error_is_400_with_details(failing_client: FlaskClient) -> None:
    response = failing_client.post("/api/parts", json={"key": "AB", "quantity": "lots"})
    assert response.status_code == 400
    body = response.get_json()
    assert isinstance(body["error"], str)
    assert {tuple(detail["loc"]) for detail in body["details"]} == {("key",), ("quantity",)}


def test_integrity_error_is_409(failing_client: FlaskClient) -> None:
    response = failing_client.post("/api/duplicate")
    assert response.status_code == 409
    assert isinstance(response.get_json()["error"], str)


def test_integrity_error_class_is_handled_directly(app: Any) -> None:
    @app.get("/api/conflict")
    def conflict() -> dict[str, Any]:
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    assert app.test_client().get("/api/conflict").status_code == 409


def test_unknown_route_is_404(failing_client: FlaskClient) -> None:
    response = failing_client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"] == "Resource not found"


def test_wrong_method_is_405(failing_client: FlaskClient) -> None:
    response = failing_client.delete("/health/healthz")
    assert response.status_code == 405
    assert response.get_json()["error"] == "Method not allowed"


def test_unexpected_exception_is_500(failing_client: FlaskClient) -> None:
    response = failing_client.get("/api/crash")
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"] == "Internal server error"
    assert set(body) == {"error", "correlationId"}
    assert response.headers["X-Correlation-ID"] == body["correlationId"]


def test_s3_object_not_found_is_404(failing_client: FlaskClient) -> None:
    response = failing_client.get("/api/files/missing")
    assert response.status_code == 404
    assert response.get_json()["details"] == {"s3_key": "cas/0123"}


def test_s3_service_error_is_502(failing_client: FlaskClient) -> None:
    response = failing_client.get("/api/files/broken")
    assert response.status_code == 502
    assert "error" in response.get_json()
