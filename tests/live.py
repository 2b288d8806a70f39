"""A real server for tests that need several processes: gunicorn on a loopback port."""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url, workers=2, threads=4, **settings):
    """Serve the app from `database_url` with `workers` processes; yield its port once it
    listens; stop it afterwards, always."""
    with gunicorn_process(database_url, workers, threads, **settings) as (port, server):
        _wait_for(port, server)
        yield port


@contextmanager
def gunicorn_process(database_url, workers=2, threads=4, options=(), log_level="warning", env=None, **settings):
    """gunicorn serving the app from `database_url` on a free loopback port, as (port, process),
    before it listens; `options` go on its command line, `env` into its environment. Stopped
    afterwards, always."""
    port = free_port()
    # No graceful stop: a test stops its server once it has every answer it waits for, so there is
    # nothing to drain, and a graceful one waited out the workers' 1 s poll and at times all of its
    # 30 s (cut to 10 by the kill below); with 0 the master ends its workers at once (0.8 s, not 2.7).
    command = [
        sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--threads", str(threads), "--log-level", log_level, "--graceful-timeout", "0", *options, "wsgi:app",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**environment(database_url, **settings), **(env or {})})
    try:
        yield port, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def environment(database_url, **settings):
    """The environment of a server process (or a `flask` command run like one): `settings` as
    PANTRY_* variables, read by Flask's from_prefixed_env (JSON where it parses: true, 5)."""
    return {
        **os.environ,
        "PANTRY_SQLALCHEMY_DATABASE_URI": database_url,
        "PANTRY_SECRET_KEY": "live-test-secret",
        # Load from one loopback address would trip the limits; tests of the limits turn them on.
        "PANTRY_RATE_LIMITS": "false",
        **{f"PANTRY_{name}": value if isinstance(value, str) else json.dumps(value)
           for name, value in settings.items()},
    }


def _wait_for(port, server, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start listening")


class Phone:
    """One browser: it keeps its cookie and its CSRF token, and posts forms."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.token = None

    def get(self, path, headers=None):
        response = self._send("GET", path, headers=headers)
        body = response.read().decode()
        match = re.search(r'name="csrf_token" value="([^"]+)"', body)
        if match:
            self.token = match.group(1)
        return response.status, body

    def post(self, path, **fields):
        from urllib.parse import urlencode

        body = urlencode({"csrf_token": self.token, **fields})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        response = self._send("POST", path, body, headers)
        response.read()
        return response.status

    def post_json(self, path, body):
        """What the offline outbox and API callers send: JSON, with the CSRF token in a header."""
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.token}
        response = self._send("POST", path, json.dumps(body), headers)
        response.read()
        return response.status

    def _send(self, method, path, body=None, headers=None):
        headers = {**(headers or {}), "Cookie": self.cookie}
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed the kept-alive connection while it was idle (gunicorn keeps one
            # for 2 s) before reading this request: a browser opens a new one and sends it again.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response


@contextmanager
def phones(port, count, first_page):
    """`count` browsers that have each opened `first_page` (so they hold a cookie and a token)."""
    opened = [Phone(port) for _ in range(count)]
    try:
        for phone in opened:
            status, _ = phone.get(first_page)
            assert status == 200, status
        yield opened
    finally:
        for phone in opened:
            phone.connection.close()


def new_key():
    return uuid.uuid4().hex
