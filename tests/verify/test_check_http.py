"""The http check against a small real server started as a subprocess."""

from __future__ import annotations

import socket

import pytest

from migrator.verify.http import HttpCheck, json_contains

SERVER = r'''
import json, os, subprocess, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

if os.environ.get("DELAY"):
    time.sleep(float(os.environ["DELAY"]))
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
open("child.pid", "w").write(str(child.pid))
print("serving on", os.environ["HOST"], os.environ["APP_PORT"], flush=True)

class Handler(BaseHTTPRequestHandler):
    def answer(self, status, body, content_type="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health/healthz":
            self.answer(200, json.dumps({"status": "alive", "checks": ["db", "s3"]}))
        elif self.path == "/metrics":
            self.answer(200, "# HELP up\nup 1\n", "text/plain; version=0.0.4")
        else:
            self.answer(404, json.dumps({"error": "not found"}))

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path == "/health/drain":
            ok = self.headers.get("Authorization") == "Bearer secret"
            self.answer(200 if ok else 401, json.dumps({"draining": ok}))
        else:
            self.answer(201, json.dumps({"echo": body}))

    def log_message(self, *args):
        pass

HTTPServer((os.environ["HOST"], int(os.environ["APP_PORT"])), Handler).serve_forever()
'''

PROBES = [
    {"path": "/health/healthz", "status": 200, "json_contains": {"status": "alive", "checks": ["s3"]}},
    {"path": "/metrics", "content_type": "text/plain", "body_contains": ["# HELP", "up 1"]},
    {"method": "POST", "path": "/health/drain", "headers": {"Authorization": "Bearer secret"},
     "json_contains": {"draining": True}},
    {"method": "POST", "path": "/health/drain", "status": 401},
    {"method": "POST", "path": "/items", "json": {"name": "r1"}, "status": 201,
     "json_contains": {"echo": {"name": "r1"}}},
]


@pytest.fixture
def app(tmp_path):
    (tmp_path / "server.py").write_text(SERVER)
    return tmp_path


def check(**values):
    base = {"name": "health", "start": ["python", "server.py"], "port_env": "APP_PORT",
            "ready_path": "/health/healthz", "startup_timeout": 10, "stop_timeout": 2}
    return HttpCheck.model_validate({**base, **values})


@pytest.fixture
def assert_stopped(assert_dead):
    return lambda root: assert_dead(int((root / "child.pid").read_text()))


def test_probes_pass_and_the_app_and_its_children_are_stopped(app, ctx, assert_stopped):
    result = check(probes=PROBES).run(ctx(app))
    assert result.passed, result.evidence
    assert result.summary.startswith("5 probe(s) passed on port ")
    assert result.evidence[0] == "GET /health/healthz -> 200 ok"
    assert_stopped(app)


def test_failing_probes_say_what_came_back_and_all_probes_run(app, ctx, assert_stopped):
    probes = [
        {"path": "/health/healthz", "status": 204},
        {"path": "/metrics", "content_type": "application/json"},
        {"path": "/health/healthz", "json_contains": {"status": "dead"}},
        {"path": "/metrics", "body_contains": "sse_gateway_events_sent_total"},
        {"path": "/health/healthz"},
    ]
    result = check(probes=probes).run(ctx(app))
    assert not result.passed
    assert result.summary == (
        "4 of 5 probe(s) failed: GET /health/healthz, GET /metrics, GET /health/healthz, GET /metrics"
    )
    assert result.evidence[0] == "GET /health/healthz -> status 200 (expected 204)"
    assert result.evidence[1].startswith('  answered 200 application/json: {"status": "alive"')
    assert "content type 'text/plain; version=0.0.4' (expected application/json)" in result.evidence[2]
    assert 'JSON lacks {"status": "dead"}' in result.evidence[4]
    assert "body lacks 'sse_gateway_events_sent_total'" in result.evidence[6]
    assert result.evidence[-1] == "GET /health/healthz -> 200 ok"
    assert_stopped(app)


def test_an_app_that_never_gets_ready_fails_with_its_output(app, ctx):
    result = check(env={"DELAY": "30"}, startup_timeout=1.5).run(ctx(app))
    assert not result.passed
    assert result.summary.startswith("no answer from GET /health/healthz on port ")
    assert "within 1.5s (last: ConnectionRefusedError)" in result.summary
    assert "app output:" in result.evidence


def test_an_app_that_exits_fails_with_its_output(tmp_path, ctx):
    (tmp_path / "server.py").write_text("import sys\nprint('config error: SECRET_KEY missing')\nsys.exit(4)\n")
    result = check().run(ctx(tmp_path))
    assert not result.passed
    assert result.summary.startswith("app exited with code 4 before answering on port ")
    assert result.evidence[-1] == "config error: SECRET_KEY missing"


def test_a_port_already_taken_is_a_clear_failure(app, ctx):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = check(port=port, probes=PROBES).run(ctx(app))
    assert not result.passed
    assert result.summary == f"port {port} on 127.0.0.1 is already in use"
    assert not (app / "child.pid").exists()  # the app was never started


def test_json_contains():
    assert json_contains({"a": 1, "b": [1, {"c": 2, "d": 3}]}, {"b": [{"c": 2}]})
    assert not json_contains({"a": 1}, {"a": 2})
    assert not json_contains([1, 2], [3])
    assert not json_contains("x", {"a": 1})
