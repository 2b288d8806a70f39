"""gunicorn for the bench: started on a free 127.0.0.1 port, always stopped, whatever happens."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
START_SECONDS = 30
STOP_SECONDS = 10


@contextmanager
def serving(app, env, probe, log, chdir=ROOT):
    """Run `gunicorn -w 2 app` until the block ends; yield its base URL once `probe` answers."""
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--chdir", str(chdir),
               "--log-level", "warning", app]
    with open(log, "ab") as output:
        process = subprocess.Popen(command, env=_environment(env), stdout=output, stderr=output,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, base + probe, log)
        yield base
    finally:
        _stop(process)


def _environment(extra):
    """Only what gunicorn needs: nothing from the caller's PANTRY_* or DATABASE_URL leaks in."""
    kept = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return {**kept, **extra}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(process, url, log):
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers; whether that page suits the probe is the run's business
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer {url} within {START_SECONDS} s:\n{_tail(log)}")


def _tail(log, lines=30):
    return "\n".join(Path(log).read_text(errors="replace").splitlines()[-lines:])


def _stop(process):
    """SIGTERM to the master we started; SIGKILL to its own process group if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the master still leads it: these are ours
        process.wait()
