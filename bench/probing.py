"""What the in-process probes share: an Airdate server started with a measuring hook (``python -c``
code that installs a SIGUSR1 handler writing ``$PROBE_OUT.json`` and ``.snap``), and its dumps."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.utils.server import ROOT


def start_hooked(hook: str, env: dict[str, str], folder: Path, port: int, within: float) -> subprocess.Popen:
    """The server, answering ``/healthz`` (tracemalloc slows a start a lot: hence ``within``)."""
    env = {**env, "PYTHONMALLOC": "malloc", "PROBE_OUT": str(folder / "dump")}  # as main.py runs itself
    with open(folder / "server.log", "w") as log:
        server = subprocess.Popen([sys.executable, "-c", hook], cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + within
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
        if time.monotonic() > deadline:
            server.kill()
            raise RuntimeError(f"no server: {(folder / 'server.log').read_text()[-2000:]}")


def dump(server: subprocess.Popen, folder: Path, name: str) -> dict:
    """Ask the hook for a dump; its tracemalloc snapshot is kept as ``folder/name.snap``."""
    out = folder / "dump"
    for suffix in (".json", ".snap"):
        Path(str(out) + suffix).unlink(missing_ok=True)
    server.send_signal(signal.SIGUSR1)
    while not Path(str(out) + ".json").exists():
        time.sleep(0.2)
    time.sleep(0.5)  # (the JSON is written last, but may still be being written)
    os.rename(str(out) + ".snap", folder / f"{name}.snap")
    return json.loads(Path(str(out) + ".json").read_text())
