"""gunicorn settings for the fault tests (`-c`): each worker says when its app is loaded, so a
test waits for a respawned worker to be ready, not only started."""
import os
from pathlib import Path


def post_worker_init(worker):
    Path(os.environ["FAULTS_READY_DIR"], str(worker.pid)).touch()
