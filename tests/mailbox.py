"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the mail tests.

Use the `mailbox` fixture: the app's MAIL_SERVER and MAIL_PORT point at it while the test runs."""
import asyncio
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from tests.live import free_port


class Mailbox:
    """The aiosmtpd handler: every message delivered, parsed, in the order it arrived."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()
        self.host, self.port = "127.0.0.1", None
        self.delay = 0  # seconds each delivery takes: a slow server widens the window for races

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted"

    def to(self, address):
        return [message for message in self.messages if message["To"] == address]

    def subjects(self):
        return sorted(str(message["Subject"]) for message in self.messages)

    def clear(self):
        with self._lock:
            self.messages.clear()


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def mailbox(app):
    box = Mailbox()
    controller = Controller(box, hostname=box.host, port=free_port())
    controller.start()
    box.port = controller.port
    saved = {name: app.config[name] for name in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER=box.host, MAIL_PORT=box.port)
    try:
        yield box
    finally:
        controller.stop()
        app.config.update(saved)
