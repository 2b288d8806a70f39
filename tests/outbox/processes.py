"""Worker processes for the fault tests (`flask pantry worker` on the test database), and an
SMTP server on loopback that is slow before each message, started once per module."""
import asyncio
import subprocess
import sys
import time

from aiosmtpd.controller import Controller

from tests.live import ROOT, environment, free_port
from tests.mailbox import Mailbox

SETTINGS = {"BASE_URL": "https://pantry.example", "TIMEZONE": "America/New_York", "WORKER_IDLE_SECONDS": 0.2}


class SlowMailbox(Mailbox):
    """Waits `delay` seconds at each recipient, before the message is sent: a worker killed then
    has not handed the message over, so it must send it again."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        delay, self.delay = self.delay, 0
        try:
            return await super().handle_DATA(server, session, envelope)
        finally:
            self.delay = delay


def start_mailbox(box=None):
    box = box or SlowMailbox()
    controller = Controller(box, hostname=box.host, port=free_port())
    controller.start()
    box.port = controller.port
    return box, controller


def start_worker(database_url, mail_port, **settings):
    env = environment(database_url, **SETTINGS, MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_port, **settings)
    command = [sys.executable, "-m", "flask", "--app", "pantry", "pantry", "worker"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until(condition, timeout=60, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
