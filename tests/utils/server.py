"""Run Airdate as a real server process on a free loopback port."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from standins.net import free_port

from .sql import query, run_sql
from .zygote import ForkedProcess, zygote

ROOT = Path(__file__).resolve().parents[2]
__all__ = ["ROOT", "Server", "airdate_env", "free_port", "run_cli"]


def airdate_env(**settings: str) -> dict[str, str]:
    """The environment for a child Airdate: the test's (minus pytest's marker, and NiceGUI's simulation of
    an in-process console the test may run beside it) plus AIRDATE_* settings."""
    ours = ("PYTEST_CURRENT_TEST", "NICEGUI_USER_SIMULATION")
    env = {k: v for k, v in os.environ.items() if k not in ours}
    env.update({f"AIRDATE_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def run_cli(
    *args: str, timeout: float = 60, input: str | None = None, fresh: bool = False, **settings: str
) -> subprocess.CompletedProcess:
    """``python main.py ARGS`` with AIRDATE_* ``settings``; ``input`` is what it reads on stdin.

    Forked from the zygote (see tests/utils/zygote.py) unless ``fresh``: then a new interpreter. A free
    port unless one is given: a server that gets as far as listening must not meet another's 8080 first."""
    settings.setdefault("port", str(free_port()))
    env = airdate_env(**settings)
    if fresh:
        return subprocess.run(
            [sys.executable, str(ROOT / "main.py"), *args],
            env=env,
            cwd=os.getcwd(),
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    with tempfile.TemporaryDirectory(prefix="airdate-cli-") as folder:
        streams = {name: Path(folder, name) for name in ("stdin", "stdout", "stderr")}
        streams["stdin"].write_text(input or "")
        streams["stdout"].touch()
        streams["stderr"].touch()
        child = zygote(env).spawn(
            list(args), env=env, cwd=os.getcwd(), **{k: str(v) for k, v in streams.items()}
        )
        try:
            code = child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise
        out, err = streams["stdout"].read_text(), streams["stderr"].read_text()
    return subprocess.CompletedProcess(["main.py", *args], code, out, err)


@dataclass
class Server:
    database_url: str
    settings: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | ForkedProcess | None = None
    output: IO[str] | None = None  # what the server prints goes to a file: a pipe could fill and stall it
    fresh: bool = False  # a new interpreter (as a user starts it), not a child of the zygote

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> "Server":
        env = airdate_env(database_url=self.database_url, port=str(self.port), **self.settings)
        self.output = tempfile.NamedTemporaryFile("w+", prefix="airdate-server-")  # noqa: SIM115  # closed with the object
        if self.fresh:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "main.py")],
                env=env,
                cwd=os.getcwd(),
                stdout=self.output,
                stderr=subprocess.STDOUT,
                text=True,
            )
        else:
            output = self.output.name
            self.process = zygote(env).spawn([], env=env, cwd=os.getcwd(), stdout=output, stderr=output)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.printed()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not become healthy: {self.printed()}")

    def printed(self) -> str:
        """Everything the server has printed so far."""
        if self.output is None:
            return ""
        self.output.flush()
        self.output.seek(0)
        return self.output.read()

    def terminate(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def kill(self) -> str:
        """SIGKILL, as when the machine or the container dies: no shutdown hooks, no goodbye to open
        connections. The port stays this server's, so ``start()`` brings it back where it was."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        return self.printed()

    def stop(self) -> str:
        """Stop the server; returns what it printed."""
        if self.process is None:
            return ""
        self.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.printed()

    def sql(self, *statements: str) -> None:
        """Run statements on the server's database from outside, as another process would."""
        run_sql(self.database_url, *statements)

    def query(self, statement: str) -> list[tuple]:
        return query(self.database_url, statement)

    def stats(self) -> dict:
        """The current snapshot, as ``GET /api/stats`` answers it."""
        return httpx.get(f"{self.url}/api/stats").json()

    def metric(self, name: str) -> float:
        for line in httpx.get(f"{self.url}/metrics").text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
        raise KeyError(name)
