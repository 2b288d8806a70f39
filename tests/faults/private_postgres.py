"""A throwaway PostgreSQL server of the test's own, to restart at will: initdb into a temporary
folder, serve on a free loopback port, stop and delete it afterwards, always. The machine's
shared server is never touched.

Without PostgreSQL's server programs the test is skipped, except under CI (CI is set), where
it fails: CI must prove the restart, not skip it."""
import os
import pwd
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.live import free_port

INSTALLS = Path("/usr/lib/postgresql")


def server_programs():
    """The bin folder of the newest PostgreSQL installed, or None."""
    found = sorted(
        (path for path in INSTALLS.glob("*/bin") if (path / "initdb").exists() and (path / "pg_ctl").exists()),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


def _missing(what):
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: CI must run the PostgreSQL restart test")
    pytest.skip(f"{what} is missing")


class Cluster:
    def __init__(self, programs, folder, port, owner):
        self.programs, self.folder, self.port, self.owner = programs, folder, port, owner
        self.data = folder / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def run(self, program, *args, timeout=60):
        command = [str(self.programs / program), *args]
        if os.geteuid() == 0:  # initdb refuses root; the server runs as its owner
            command = ["runuser", "-u", self.owner, "--", *command]
        subprocess.run(command, check=True, timeout=timeout, capture_output=True, cwd=self.folder)

    def pg_ctl(self, action, *args):
        self.run("pg_ctl", action, "-D", str(self.data), "-l", str(self.folder / "log"), "-w", *args)

    def restart(self):
        """A fast restart: open transactions are cut off, connections dropped, then it serves again."""
        self.pg_ctl("restart", "-m", "fast")


@contextmanager
def private_postgres():
    programs = server_programs()
    if programs is None:
        _missing(f"PostgreSQL's initdb and pg_ctl under {INSTALLS}")
    owner = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    folder = Path(tempfile.mkdtemp(prefix="pantry-pg-"))
    try:
        entry = pwd.getpwnam(owner)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        cluster = Cluster(programs, folder, free_port(), owner)
        cluster.run("initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                    "--no-sync", "--no-instructions")
        with open(cluster.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {cluster.port}\n"
                f"unix_socket_directories = '{folder}'\nmax_connections = 50\n"
            )
        cluster.pg_ctl("start")
        try:
            yield cluster
        finally:
            cluster.pg_ctl("stop", "-m", "immediate")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
