"""The http check against a small real server started as a subprocess."""

from __future__ import annotations

import socket

import pytest

from migrator.verify.base import CheckContext
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


HELPER = r'''
import os, secrets, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

if os.environ.get("HELPER_FAILS"):
    print("helper: no key material", flush=True)
    sys.exit(3)
open("helper.pid", "w").write(str(os.getpid()))
secret = secrets.token_hex(8)
with open(sys.argv[1], "w") as header:
    header.write(f"Bearer {secret}\n")

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = (secret if self.path == "/secret" else "ready").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(os.environ["HELPER_PORT"])), Handler).serve_forever()
'''

GUARDED_APP = r'''
import os, urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

secret = urllib.request.urlopen(os.environ["HELPER_URL"] + "/secret").read().decode()

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        allowed = self.path == "/ready" or self.headers.get("Authorization") == f"Bearer {secret}"
        self.send_response(200 if allowed else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

HTTPServer((os.environ["HOST"], int(os.environ["APP_PORT"])), Handler).serve_forever()
'''


@pytest.fixture
def guarded_app(tmp_path):
    (tmp_path / "helper.py").write_text(HELPER)
    (tmp_path / "server.py").write_text(GUARDED_APP)
    return tmp_path


def helper_check(**values):
    helper = {"name": "token issuer", "start": ["python", "helper.py", "{scratch}/token.header"],
              "port_env": "HELPER_PORT", "url_env": "HELPER_URL", "ready_path": "/ready",
              "startup_timeout": 10}
    return check(ready_path="/ready", services=[helper], **values)


def test_a_service_runs_while_the_app_is_probed_and_hands_it_its_url(
        guarded_app, tmp_path_factory, assert_dead):
    scratch = tmp_path_factory.mktemp("scratch")
    context = CheckContext(root=guarded_app, plan_dir=guarded_app, scratch=scratch)
    probes = [{"path": "/private", "header_files": {"Authorization": "{scratch}/token.header"}},
              {"path": "/private", "status": 401},
              {"path": "/private", "header_files": {"Authorization": "{scratch}/missing"}}]

    result = helper_check(probes=probes).run(context)

    assert result.summary == "1 of 3 probe(s) failed: GET /private"
    assert result.evidence[:2] == ["GET /private -> 200 ok", "GET /private -> 401 ok"]
    assert result.evidence[2].startswith("GET /private -> header file unreadable: ")
    assert result.commands[0][-1] == str(scratch / "token.header")  # the service's command
    assert_dead(int((guarded_app / "helper.pid").read_text()))


def test_a_service_that_does_not_start_fails_the_check_before_the_app_runs(guarded_app, ctx):
    result = helper_check(env={"HELPER_FAILS": "1"}, probes=PROBES).run(ctx(guarded_app))
    assert not result.passed
    assert result.summary.startswith(
        "service token issuer: exited with code 3 before answering on port ")
    assert result.evidence == ["token issuer output:", "helper: no key material"]


def test_services_need_distinct_names():
    helper = {"name": "issuer", "start": ["python", "helper.py"]}
    with pytest.raises(ValueError, match="two services share a name"):
        check(services=[helper, helper])


def test_json_contains():
    assert json_contains({"a": 1, "b": [1, {"c": 2, "d": 3}]}, {"b": [{"c": 2}]})
    assert not json_contains({"a": 1}, {"a": 2})
    assert not json_contains([1, 2], [3])
    assert not json_contains("x", {"a": 1})
