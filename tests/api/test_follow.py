"""The README's "follow the stream from Python", run as a user would (python follow.py) against a real
server that restarts: it reconnects after the server's retry, resumes with Last-Event-ID (so a
notification made while the server was down still arrives), and a refused token stops it with the reason."""

import queue
import re
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import Database

from ..utils.accounts import add_account, add_token
from ..utils.factories import land_episode, make_tracked_show
from ..utils.server import Server

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    text = README.read_text()
    after = text.index("**Follow the stream from Python.**")
    block = re.search(r"```python\n(.*?)```", text[after:], re.DOTALL)
    assert block is not None, "the README's example is gone"
    return textwrap.dedent(block.group(1))


class Follower:
    """``python follow.py`` with its lines read as they come."""

    def __init__(self, script: Path, url: str, token: str) -> None:
        env = {"AIRDATE_URL": url, "AIRDATE_TOKEN": token, "PATH": "/usr/bin:/bin"}
        self.process = subprocess.Popen(
            [sys.executable, str(script)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, pattern: str, within: float = 20) -> str:
        """The first line (from here on) that matches; fails after ``within`` seconds without one."""
        seen = []
        while True:
            try:
                line = self.lines.get(timeout=within)
            except queue.Empty:
                pytest.fail(f"no line like {pattern!r} within {within} s; it said {seen[-10:]}")
            seen.append(line)
            if re.search(pattern, line):
                return line

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "follow.py"
    path.write_text(readme_example())
    return path


@pytest.fixture
def token(airdate_env: str) -> str:
    add_account("alice", "alice-password\n", "admin")
    return add_token("follower", "read")


@pytest.fixture
def follower(script: Path, token: str, server: Server) -> Iterator[Follower]:
    running = Follower(script, server.url, token)
    yield running
    running.stop()


@pytest.mark.slow  # two server starts and a real reconnect
def test_the_example_follows_through_a_restart_and_resumes(
    follower: Follower, server: Server, database: Database
) -> None:
    follower.until(r"^stats \d+ 0$")
    make_tracked_show(database, tmdb_id=1, requesters=1)
    follower.until(r"^stats \d+ 1$")
    server.stop()
    follower.until(r"^lost \(.*\); again in 5 s$")
    land_episode(database, 1, 1, 1)  # a notification made while Airdate is down
    server.start()
    line = follower.until(r"^notification \d+ ")  # only a resume (Last-Event-ID) replays it
    assert '"user":"fan1_0","subject":"New episode: Show 1 S01E01"' in line
    follower.until(r"^stats \d+ 1$")


def test_a_refused_token_stops_it_with_the_reason(script: Path, server: Server) -> None:
    refused = Follower(script, server.url, "adt_not-a-token")
    try:
        refused.until(r"^refused: .*sign in, or send an API token")
        assert refused.process.wait(timeout=10) == 1
    finally:
        refused.stop()
