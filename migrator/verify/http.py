"""The `http` check: start the app on a free loopback port, probe it, stop it.

    - name: health
      http:
        start: [python, run.py]
        env: {FLASK_ENV: testing}
        port_env: PORT                 # the variable the app reads its port from
        ready_path: /health/healthz    # polled until it answers (any status below 500)
        startup_timeout: 30
        setup:                         # run first, same env and cwd, each must exit 0
          - [python, -m, alembic, upgrade, head]
        services:                      # helpers the app talks to, started first (see below)
          - name: identity provider
            start: [python, -m, common.auth.testing, --token, "admin=admin", --token-dir, "{scratch}"]
            url_env: OIDC_ISSUER_URL     # the app gets the helper's URL in this variable
            ready_path: /.well-known/openid-configuration
        probes:
          - {path: /health/healthz, status: 200, json_contains: {status: alive}}
          - {method: POST, path: /health/drain, headers: {Authorization: Bearer x}, status: 200}
          - {path: /metrics, content_type: text/plain, body_contains: [sse_gateway_]}
          - {method: POST, path: /api/items, json: {name: r1}, status: 201}
          - {path: /api/items, header_files: {Authorization: "{scratch}/admin.header"}}

The app, its services and the setup commands run in the app's environment (`python` is
the app's interpreter, see `migrator.environment`). The app runs in its own process group
with HOST=127.0.0.1 and the port in `port_env`; its output goes to a file whose tail is
the evidence when it fails to start. Probes run in order and all of them run; the app and
its children are stopped afterwards (SIGTERM, then SIGKILL), whatever happened.

A service is a process the app needs while it is probed (a local identity provider, a
fake gateway): each starts before the setup commands on a free loopback port of its own
(in its `port_env`), is polled on its `ready_path` like the app, gets the check's `env`
plus its own, and is stopped after the app. `url_env` hands its `http://127.0.0.1:PORT`
to the app. A probe's `header_files` reads a header's value from a file when the probe
runs, for values that exist only at run time (a token a service wrote into `{scratch}`).
"""

from __future__ import annotations

import errno
import http.client
import json
import os
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from migrator.environment import AppEnvironment
from migrator.verify.base import CheckContext, CheckModel, CheckResult
from migrator.verify.command import (
    resolve_argv,
    run_command,
    stop_group,
    tail,
    track,
    untrack,
)
from migrator.verify.registry import register_check


class Probe(BaseModel):
    """One request and what its answer must hold."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    method: str = "GET"
    path: str
    headers: dict[str, str] = Field(default_factory=dict)
    header_files: dict[str, str] = Field(default_factory=dict)
    """Headers whose value is the content of a file (`{scratch}` expanded), read when the
    probe runs: a token a service or a setup command wrote."""
    json_body: Any = Field(default=None, alias="json")
    """A JSON request body (sent with Content-Type: application/json)."""
    status: int = 200
    body_contains: str | list[str] | None = None
    content_type: str | None = None
    """Expected Content-Type prefix, e.g. `text/plain` or `application/json`."""
    json_contains: Any = None
    """The JSON answer must contain this (a subset for objects, items for lists)."""

    def describe(self) -> str:
        return f"{self.method.upper()} {self.path}"


class Service(BaseModel):
    """A helper process the app needs while it is probed."""

    model_config = ConfigDict(extra="forbid")

    name: str
    start: list[str] = Field(min_length=1)
    env: dict[str, str] = Field(default_factory=dict)
    port_env: str = "PORT"
    """The variable the service reads its port from."""
    url_env: str | None = None
    """A variable of the app's environment that gets the service's `http://127.0.0.1:PORT`."""
    ready_path: str = "/"
    startup_timeout: float = Field(default=30, gt=0)


class ProbeAnswer(BaseModel):
    status: int
    content_type: str
    body: str


def json_contains(actual: Any, expected: Any) -> bool:
    """Objects: every expected key with a matching value; lists: every expected item found."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and json_contains(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return isinstance(actual, list) and all(
            any(json_contains(a, e) for a in actual) for e in expected
        )
    return actual == expected


def probe_problems(probe: Probe, answer: ProbeAnswer) -> list[str]:
    """What is wrong with an answer (empty when it is as expected)."""
    problems: list[str] = []
    if answer.status != probe.status:
        problems.append(f"status {answer.status} (expected {probe.status})")
    if probe.content_type and not answer.content_type.lower().startswith(probe.content_type.lower()):
        problems.append(f"content type {answer.content_type!r} (expected {probe.content_type})")
    wanted = [probe.body_contains] if isinstance(probe.body_contains, str) else probe.body_contains or []
    problems += [f"body lacks {w!r}" for w in wanted if w not in answer.body]
    if probe.json_contains is not None:
        try:
            parsed = json.loads(answer.body)
        except ValueError:
            problems.append("body is not JSON")
        else:
            if not json_contains(parsed, probe.json_contains):
                problems.append(f"JSON lacks {json.dumps(probe.json_contains)}")
    return problems


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def request(port: int, probe: Probe, timeout: float,
            headers: dict[str, str] | None = None) -> ProbeAnswer:
    headers = dict(probe.headers if headers is None else headers)
    body: bytes | None = None
    if probe.json_body is not None:
        body = json.dumps(probe.json_body).encode()
        headers.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(probe.method.upper(), probe.path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return ProbeAnswer(
            status=response.status, content_type=response.getheader("Content-Type", ""), body=text
        )
    finally:
        conn.close()


def probe_headers(probe: Probe, ctx: CheckContext) -> dict[str, str]:
    """The probe's headers with those of `header_files` read; OSError if a file is missing."""
    headers = dict(probe.headers)
    for name, path in probe.header_files.items():
        headers[name] = Path(ctx.expand(path)).read_text(encoding="utf-8").strip()
    return headers


def wait_until_ready(process: subprocess.Popen[bytes], port: int, path: str, timeout: float,
                     request_timeout: float) -> str | None:
    """None once GET `path` answers below 500, else why not (the process exited, a timeout)."""
    deadline = time.monotonic() + timeout
    probe = Probe(path=path, status=200)
    last = "no connection"
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            return f"exited with code {code} before answering on port {port}"
        try:
            answer = request(port, probe, timeout=min(request_timeout, 2.0))
        except (OSError, http.client.HTTPException) as exc:
            last = type(exc).__name__
        else:
            if answer.status < 500:
                return None
            last = f"status {answer.status}"
        time.sleep(0.1)
    return f"no answer from GET {path} on port {port} within {timeout:g}s (last: {last})"


@dataclass
class Running:
    """A started process group and the file its output goes to."""

    process: subprocess.Popen[bytes]
    log: IO[bytes]

    @classmethod
    def start(cls, argv: list[str], cwd: Path, env: dict[str, str]) -> Running:
        """Raises OSError when argv cannot be started."""
        log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop(), after the process
        try:
            process = subprocess.Popen(
                argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        except OSError:
            log.close()
            raise
        track(process)
        return cls(process, log)

    def stop(self, grace: float) -> str:
        """Stop the process group; its output."""
        stop_group(self.process, grace=grace)
        untrack(self.process)
        self.log.seek(0)
        output = self.log.read().decode("utf-8", "replace")
        self.log.close()
        return output


def _snippet(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


@register_check
class HttpCheck(CheckModel):
    """Start the app, wait until it answers, run the probes, stop it."""

    kind: ClassVar[str] = "http"

    start: list[str] = Field(min_length=1)
    cwd: str | None = None
    env: dict[str, str] = Field(default_factory=dict)
    port_env: str = "PORT"
    port: int | None = Field(default=None, ge=1, le=65535)
    """A fixed port instead of a free one (it must not be taken)."""
    ready_path: str = "/"
    startup_timeout: float = Field(default=30, gt=0)
    request_timeout: float = Field(default=10, gt=0)
    stop_timeout: float = Field(default=10, gt=0)
    """Seconds the app gets to exit after SIGTERM before it is killed."""
    probes: list[Probe] = Field(default_factory=list)
    setup: list[list[str]] = Field(default_factory=list)
    """Commands run before the app starts (same env and cwd), e.g. migrating its database."""
    setup_timeout: float = Field(default=120, gt=0)
    services: list[Service] = Field(default_factory=list)
    """Helper processes started before the setup commands and stopped after the app."""

    @model_validator(mode="after")
    def _distinct_services(self) -> HttpCheck:
        names = [service.name for service in self.services]
        if len(set(names)) != len(names):
            raise ValueError("two services share a name")
        return self

    def planned_commands(self, environment: AppEnvironment | None = None) -> list[list[str]]:
        return [*(resolve_argv(service.start, environment) for service in self.services),
                *(resolve_argv(argv, environment) for argv in self.setup),
                resolve_argv(self.start, environment)]

    def describe(self) -> str:
        helpers = "".join(f"with {service.name}; " for service in self.services)
        return f"{helpers}start {' '.join(self.start)}; " + ", ".join(
            p.describe() for p in self.probes)

    def run(self, ctx: CheckContext) -> CheckResult:
        started = time.monotonic()
        argv = resolve_argv(ctx.expand_all(self.start), ctx.environment)
        commands = [resolve_argv(ctx.expand_all(s.start), ctx.environment) for s in self.services]

        def result(passed: bool, summary: str, evidence: list[str]) -> CheckResult:
            return CheckResult(self.name, passed, time.monotonic() - started, summary, evidence,
                               [*commands, argv])

        port = self.port if self.port is not None else free_port()
        if not port_is_free(port):
            return result(False, f"port {port} on 127.0.0.1 is already in use", [])
        base_env = {**os.environ, **ctx.environment.variables(),
                    **{k: ctx.expand(v) for k, v in self.env.items()}, "HOST": "127.0.0.1"}
        env = {**base_env, self.port_env: str(port)}
        cwd = ctx.root / self.cwd if self.cwd else ctx.root
        services: list[Running] = []
        try:
            for service, service_argv in zip(self.services, commands, strict=True):
                failed = self._start_service(service, service_argv, ctx, cwd, base_env, env,
                                             services)
                if failed is not None:
                    return result(False, *failed)
            for setup in self.setup:
                setup_argv = resolve_argv(ctx.expand_all(setup), ctx.environment)
                done = run_command(setup_argv, cwd, env, self.setup_timeout)
                if done.returncode != 0:
                    why = "timed out" if done.timed_out else f"exited {done.returncode}"
                    return result(False, f"setup `{' '.join(setup)}` {why}", tail(done.output))
            try:
                app = Running.start(argv, cwd, env)
            except OSError as exc:
                return result(False, f"cannot start `{' '.join(self.start)}`: {exc.strerror}", [])
            try:
                outcome = self._exercise(app.process, port, ctx)
            finally:
                output = app.stop(self.stop_timeout)
        finally:
            for running in reversed(services):
                running.stop(self.stop_timeout)
        passed, summary, evidence = outcome
        if not passed and summary.startswith(("app ", "no answer")):
            evidence = [*evidence, "app output:", *tail(output)]
        return result(passed, summary, evidence)

    def _start_service(self, service: Service, argv: list[str], ctx: CheckContext, cwd: Path,
                       base_env: dict[str, str], app_env: dict[str, str],
                       started: list[Running]) -> tuple[str, list[str]] | None:
        """Start `service` and wait until it answers (appended to `started`); or why not."""
        port = free_port()
        env = {**base_env, **{k: ctx.expand(v) for k, v in service.env.items()},
               service.port_env: str(port)}
        try:
            running = Running.start(argv, cwd, env)
        except OSError as exc:
            return f"cannot start service {service.name}: {exc.strerror}", []
        started.append(running)
        not_ready = wait_until_ready(running.process, port, service.ready_path,
                                     service.startup_timeout, self.request_timeout)
        if not_ready is not None:
            output = running.stop(self.stop_timeout)
            started.remove(running)
            return f"service {service.name}: {not_ready}", [
                f"{service.name} output:", *tail(output)]
        if service.url_env:
            app_env[service.url_env] = f"http://127.0.0.1:{port}"
        return None

    def _exercise(self, process: subprocess.Popen[bytes], port: int,
                  ctx: CheckContext) -> tuple[bool, str, list[str]]:
        not_ready = wait_until_ready(process, port, self.ready_path, self.startup_timeout,
                                     self.request_timeout)
        if not_ready is not None:
            prefix = "" if not_ready.startswith("no answer") else "app "
            return False, prefix + not_ready, []
        evidence: list[str] = []
        failed: list[str] = []
        for probe in self.probes:
            try:
                headers = probe_headers(probe, ctx)
            except OSError as exc:
                failed.append(probe.describe())
                evidence.append(f"{probe.describe()} -> header file unreadable: {exc}")
                continue
            try:
                answer = request(port, probe, self.request_timeout, headers)
            except (OSError, http.client.HTTPException) as exc:
                failed.append(probe.describe())
                evidence.append(f"{probe.describe()} -> no answer ({type(exc).__name__}: {exc})")
                continue
            problems = probe_problems(probe, answer)
            if problems:
                failed.append(probe.describe())
                evidence.append(f"{probe.describe()} -> {'; '.join(problems)}")
                evidence.append(f"  answered {answer.status} {answer.content_type}: {_snippet(answer.body)}")
            else:
                evidence.append(f"{probe.describe()} -> {answer.status} ok")
        if failed:
            return False, f"{len(failed)} of {len(self.probes)} probe(s) failed: {', '.join(failed)}", evidence
        return True, f"{len(self.probes)} probe(s) passed on port {port}", evidence
