"""Servers on loopback that receive what the worker delivers: a webhook receiver that keeps each
POST, and a push service (RFC 8030) that decrypts each message (RFC 8291) with the keys a
browser would hold. Each runs in a thread; start them once per module."""
import base64
import http.server
import json
import threading

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.live import free_port


class Receiver(http.server.ThreadingHTTPServer):
    """Keeps (path, headers, body) of every POST; answers `status` (200 unless a test says)."""

    def __init__(self):
        self.received, self.status = [], 201
        super().__init__(("127.0.0.1", free_port()), _Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802  (the name http.server calls)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append((self.path, self.headers, body))  # headers: case-insensitive
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Phone:
    """The keys a browser makes when it subscribes: a P-256 pair and a 16-byte auth secret."""

    def __init__(self, push_service, name):
        self.private = ec.generate_private_key(ec.SECP256R1())
        raw = self.private.public_key().public_bytes(serialization.Encoding.X962,
                                                     serialization.PublicFormat.UncompressedPoint)
        self.auth = bytes(range(16))
        self.endpoint = f"{push_service.url}/push/{name}"
        self.path = f"/push/{name}"
        self.keys = {"p256dh": _b64(raw), "auth": _b64(self.auth)}

    def subscription(self, kinds):
        return {"endpoint": self.endpoint, "keys": self.keys, "kinds": kinds}

    def read(self, push_service):
        """What reached this phone, decrypted."""
        return [json.loads(http_ece.decrypt(body, private_key=self.private, auth_secret=self.auth,
                                            version="aes128gcm"))
                for path, headers, body in push_service.received if path == self.path]


def _b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
