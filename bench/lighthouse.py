"""Lighthouse on a served page: Debian's Chromium, a phone (Lighthouse's default form factor)
and its default throttling (simulated slow 4G, a 4x slower CPU). The scores, and for each
one short of its goal the audits that cost it, as Lighthouse's JSON report says."""
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("PANTRY_CHROMIUM", "/usr/bin/chromium")
# The quiet flags of tests/browser/conftest.py: without the networking ones Chromium floods this network.
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100}
TIMEOUT = 180


@dataclass
class Scores:
    scores: dict = field(default_factory=dict)  # category -> 0..100
    misses: list = field(default_factory=list)  # "category: audit title (value)" for what cost points
    error: str = ""

    @property
    def met(self):
        return not self.error and all(self.scores.get(name, -1) >= goal for name, goal in GOALS.items())

    def summary(self):
        return self.error or " / ".join(str(self.scores.get(name, "?")) for name in GOALS)


def missing():
    """Why Lighthouse cannot run here, or None."""
    if not LIGHTHOUSE.exists():
        return "Lighthouse is not installed: run npm ci"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM}"
    return None


def version():
    try:
        return json.loads((ROOT / "node_modules" / "lighthouse" / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "?"


def measure(url):
    if problem := missing():
        return Scores(error=problem)
    with tempfile.TemporaryDirectory(prefix="pantry-lighthouse-") as folder:
        report = Path(folder) / "report.json"
        command = [
            str(LIGHTHOUSE), url, f"--chrome-path={CHROMIUM}", f"--chrome-flags={CHROME_FLAGS}",
            "--output=json", f"--output-path={report}", "--only-categories=" + ",".join(GOALS), "--quiet",
        ]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, cwd=folder)
        except subprocess.TimeoutExpired:
            return Scores(error=f"Lighthouse took over {TIMEOUT} s")
        if run.returncode or not report.exists():
            return Scores(error="Lighthouse failed: " + (run.stderr.strip().splitlines() or ["no output"])[-1])
        return scores(json.loads(report.read_text()))


def scores(report):
    found = Scores()
    for name in GOALS:
        category = report["categories"][name]
        if category["score"] is None:  # Lighthouse could not score it (a runtime error)
            found.error = f"{name}: no score ({report.get('runtimeError', {}).get('message', 'see the report')})"
            continue
        found.scores[name] = round(category["score"] * 100)
        if found.scores[name] >= GOALS[name]:
            continue
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                found.misses.append(f"{name}: {audit['title']}{value}")
    found.misses += [f"warning: {warning}" for warning in report.get("runWarnings", [])]
    return found
