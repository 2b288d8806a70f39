"""The processes that serve a loopback port, and how much memory each holds (Linux /proc).

gunicorn's workers inherit the master's listening socket: every process holding that socket
serves the port, and those whose parent holds it too are the workers. Nothing here depends
on how the server was started."""
import threading
import time
from pathlib import Path

PROC = Path("/proc")
LISTEN = "0A"  # the socket state in /proc/net/tcp
SAMPLE_SECONDS = 30  # how often Memory reads each worker


def serving(port):
    """The worker pids serving 127.0.0.1:`port`, lowest first (empty if none are found)."""
    inode = _listening_inode(port)
    if inode is None:
        return []
    holders = {pid for pid in _pids() if _holds(pid, f"socket:[{inode}]")}
    return sorted(pid for pid in holders if _parent(pid) in holders)


def rss_kib(pid):
    """VmRSS of `pid` in KiB, or None once the process is gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


class Memory:
    """Each worker's resident memory (VmRSS): on entering, every SAMPLE_SECONDS, and on leaving."""

    def __init__(self, pids):
        self.pids = pids
        self.samples = []  # (time.monotonic(), {pid: KiB or None})
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._every_while, daemon=True)

    def __enter__(self):
        self._sample()
        self._reader.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._reader.join()
        self._sample()

    def mib(self, pid):
        """The worker's samples in MiB; a worker gone shows as None."""
        return [None if kib.get(pid) is None else kib[pid] / 1024 for _, kib in self.samples]

    def _every_while(self):
        while not self._stop.wait(SAMPLE_SECONDS):
            self._sample()

    def _sample(self):
        self.samples.append((time.monotonic(), {pid: rss_kib(pid) for pid in self.pids}))


def _listening_inode(port):
    wanted = f"0100007F:{port:04X}"  # 127.0.0.1, as the kernel prints it
    for line in (PROC / "net" / "tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == wanted and fields[3] == LISTEN:
            return fields[9]
    return None


def _pids():
    return [int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit()]


def _holds(pid, target):
    try:
        return any(_readlink(fd) == target for fd in (PROC / str(pid) / "fd").iterdir())
    except (PermissionError, FileNotFoundError, ProcessLookupError):
        return False


def _readlink(path):
    try:
        return str(path.readlink())
    except OSError:
        return ""


def _parent(pid):
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("PPid:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None
