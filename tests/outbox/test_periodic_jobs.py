"""The worker's periodic jobs are registered by making the app, not by whichever test imported them first."""
import subprocess
import sys
from pathlib import Path

import pytest

EVERY_JOB = ["digests", "make-shifts", "news-of-the-hour", "purge-contacts", "purge-sessions", "reminders",
             "settle-reviews"]


@pytest.mark.once
def test_the_app_made_registers_every_periodic_job(tmp_path):
    program = ("from pantry import create_app\n"
               f"create_app({{'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/jobs.db'}})\n"
               "from pantry.outbox.registry import JOBS\n"
               "print(' '.join(sorted(JOBS)))\n")
    made = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(Path(__file__).parents[2])})
    assert made.stdout.split() == EVERY_JOB
