"""wrk runs and what they say: requests per second, latency percentiles, failures."""
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

TAKE_SCRIPT = Path(__file__).with_name("take.lua")
WARM_UP = "2s"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Run:
    rate: float  # requests per second
    p50: float  # milliseconds
    p99: float
    requests: int
    failures: int  # responses other than 2xx/3xx, and socket errors

    def __str__(self):
        return f"{self.rate:,.0f} req/s, p50 {self.p50:.1f} ms, p99 {self.p99:.1f} ms"


def ensure_wrk():
    """wrk from Debian, installed when missing (the bench runs as root on these machines)."""
    if shutil.which("wrk"):
        return
    print("wrk is missing: installing it with apt-get ...", flush=True)
    for command in (["apt-get", "install", "-y", "-q", "wrk"], ["apt-get", "update", "-q"],
                    ["apt-get", "install", "-y", "-q", "wrk"]):
        try:
            subprocess.run(command, check=False, stdout=subprocess.DEVNULL, timeout=300)
        except (OSError, subprocess.TimeoutExpired):
            break
        if shutil.which("wrk"):
            return
    raise SystemExit("The bench needs wrk. Install it (Debian/Ubuntu: sudo apt-get install -y wrk) and run again.")


def measure(url, threads=2, connections=32, duration="10s", form=None, headers=(), timeout="5s"):
    """A warm-up run, then the measured one. `form` (path, token, cookie, item) makes
    every request a "Took 1" form post with a key of its own; `headers` go with every request
    ("Cookie: ..." for a signed-in coordinator's screens)."""
    wrk(url, threads, connections, WARM_UP, form, headers, timeout)
    return wrk(url, threads, connections, duration, form, headers, timeout)


def wrk(url, threads, connections, duration, form=None, headers=(), timeout="5s"):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency", "--timeout", timeout]
    for header in headers:
        command += ["-H", header]
    if form is not None:
        run_label = "b" + secrets.token_hex(4)  # keys never repeat across runs
        command += ["-s", str(TAKE_SCRIPT), url, "--", *form, run_label]
    else:
        command.append(url)
    seconds = _seconds(duration) + 30
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds, check=True).stdout
    return parse(output)


def parse(output):
    try:
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        requests = int(re.search(r"(\d+) requests in", output).group(1))
        p50 = _latency(re.search(r"^\s+50%\s+([\d.]+)(\w+)", output, re.M))
        p99 = _latency(re.search(r"^\s+99%\s+([\d.]+)(\w+)", output, re.M))
    except AttributeError as error:
        raise RuntimeError("could not read wrk's output:\n" + output) from error
    failures = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if errors:
        failures += sum(int(n) for n in errors.groups())
    return Run(rate, p50, p99, requests, failures)


def _latency(match):
    return float(match.group(1)) * UNITS[match.group(2)]


def _seconds(duration):
    return int(duration.rstrip("s"))
