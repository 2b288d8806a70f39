"""The W3C Nu HTML checker (vnu-jar from npm, run with the machine's Java) as a service on a
loopback port, started once a session: a Java start costs seconds, a page checked by the running
service some milliseconds. `Checker.invalid(html)` is the page's errors in words, [] when valid."""
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

VNU = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = os.environ.get("PANTRY_JAVA", "java")  # as PANTRY_CHROMIUM names the browser
STARTING = 120  # seconds a cold JVM may take to answer, on a busy machine


def missing():
    """What the checker needs and this machine lacks, or None."""
    if not VNU.exists():
        return "vnu-jar (run npm ci)"
    if not shutil.which(JAVA):
        return f"Java ({JAVA})"
    return None


class Checker:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/?out=json&level=error"  # errors only, as `vnu --errors-only`
        self.process = subprocess.Popen(
            [JAVA, "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(VNU), "nu.validator.servlet.Main",
             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.started = time.monotonic()
        self.ready = False  # it starts while the browser opens and walks to the first page

    def _wait_until_ready(self):
        while not self._answers():
            assert self.process.poll() is None, f"the checker exited {self.process.returncode}"
            assert time.monotonic() < self.started + STARTING, f"the checker did not answer within {STARTING} s"
            time.sleep(0.2)
        self.ready = True

    def _answers(self):
        try:
            return self._errors("<!doctype html><html lang=en><title>ready</title>") == []
        except OSError:
            return False

    def invalid(self, html):
        if not self.ready:
            self._wait_until_ready()
        return self._errors(html)

    def _errors(self, html):
        request = urllib.request.Request(self.url, data=html.encode("utf-8"),
                                         headers={"Content-Type": "text/html; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            messages = json.load(answer)["messages"]
        return [f"line {message.get('lastLine', '?')}: {message['message']} [{message.get('extract', '').strip()}]"
                for message in messages]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
