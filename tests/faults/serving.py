"""gunicorn for fault tests: like tests.live.gunicorn, but it also hands over the master's PID,
so a test can find the workers and kill one."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.live import gunicorn_process

ROOT = Path(__file__).resolve().parents[2]
HOOKS = Path(__file__).with_name("gunicorn_hooks.py")


@dataclass
class Server:
    port: int
    master: subprocess.Popen
    ready_dir: Path

    def workers(self):
        """The PIDs of the master's live worker processes."""
        children = set()
        for task in Path(f"/proc/{self.master.pid}/task").iterdir():
            children.update(int(pid) for pid in (task / "children").read_text().split())
        return children

    def ready_workers(self):
        """The live workers whose app is loaded (tests/faults/gunicorn_hooks.py)."""
        return {pid for pid in self.workers() if (self.ready_dir / str(pid)).exists()}

    def wait_for_workers(self, count, without=(), timeout=30):
        """Wait until `count` workers are ready and none of `without` is among them; return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.master.poll() is not None:
                raise RuntimeError("gunicorn exited")
            workers = self.ready_workers()
            if len(workers) == count and not workers & set(without):
                return workers
            time.sleep(0.05)
        raise AssertionError(f"gunicorn has workers {sorted(self.workers())}, wanted {count} without {without}")

    def kill_worker(self, pid):
        os.kill(pid, signal.SIGKILL)


@contextmanager
def gunicorn(database_url, workers=2, threads=4, **settings):
    """Serve the app from `database_url`; yield the Server once every worker has loaded the app."""
    ready_dir = Path(tempfile.mkdtemp(prefix="pantry-workers-"))
    try:
        with gunicorn_process(
            database_url, workers, threads, options=("--config", str(HOOKS)), log_level="error",
            env={"FAULTS_READY_DIR": str(ready_dir)}, **settings,
        ) as (port, master):
            server = Server(port, master, ready_dir)
            server.wait_for_workers(workers)
            yield server
    finally:
        shutil.rmtree(ready_dir, ignore_errors=True)
