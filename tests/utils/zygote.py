"""Airdate processes for the tests, forked from one that has already imported Airdate.

Why: a fresh ``python main.py`` spends about 1.3 s of CPU importing NiceGUI, FastAPI, SQLAlchemy and
Apprise before it does anything, and the suite starts a few hundred of them (servers and commands):
measured, that was a third of the suite's CPU on two cores. A child forked from this process (the
zygote) is the same program from ``main.main(argv)`` on — its own pid, environment, working folder,
standard streams, signals and exit code — only the imports are shared. ``python main.py``'s own first
steps (the re-exec with the system allocator) stay covered by the tests that exec it (``run_cli(...,
fresh=True)``).

Run as ``python -m tests.utils.zygote``: it reads one JSON request a line on stdin and answers on
stdout with ``{"started": pid}`` per request and ``{"exited": pid, "code": n}`` per child that ended
(``n`` as ``Popen.returncode`` has it: negative for a signal). The client side is :class:`Zygote`.
"""

import contextlib
import ctypes
import ctypes.util
import io
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PRELOAD = (
    "main",
    "application",
    "server",
    "commands",
    "native",
    "settings",
    "command_line",
    "startup",
    "demo.plugin",
)


class ForkedProcess:
    """What the tests use of ``subprocess.Popen``, for a child of the zygote."""

    def __init__(self, pid: int, zygote: "Zygote") -> None:
        self.pid = pid
        self._zygote = zygote
        self._ended = threading.Event()
        self.returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(f"airdate (pid {self.pid})", timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, number: int) -> None:
        """Through the zygote, which signals only a child it has not reaped: a pid it reaped (the end
        not yet heard of here) may belong to another process by now."""
        if self.returncode is None:
            self._zygote.signal(self.pid, number)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def _exited(self, code: int) -> None:
        self.returncode = code
        self._ended.set()


class Zygote:
    """The test process's end: starts the zygote once, asks it for children, learns when they end."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.utils.zygote"],
            cwd=ROOT,
            env={**env, "PYTHONMALLOC": "malloc"},  # as main.py runs itself (use_system_allocator)
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._lock = threading.Lock()
        self._started: list[int] = []
        self._answer = threading.Condition()
        self._children: dict[int, ForkedProcess] = {}
        self._early: dict[int, int] = {}  # exit codes of children not registered yet
        threading.Thread(target=self._listen, name="zygote-listener", daemon=True).start()

    def signal(self, pid: int, number: int) -> None:
        with self._lock:
            if self._process.poll() is None and self._process.stdin is not None:
                with contextlib.suppress(BrokenPipeError):
                    self._process.stdin.write(json.dumps({"signal": number, "pid": pid}) + "\n")
                    self._process.stdin.flush()

    def spawn(
        self, argv: list[str], *, env: Mapping[str, str], cwd: str, stdout: str, stderr: str, stdin: str = ""
    ) -> ForkedProcess:
        request = {"argv": argv, "env": dict(env), "cwd": cwd, "stdout": stdout, "stderr": stderr}
        request["stdin"] = stdin
        with self._lock, self._answer:
            assert self._process.stdin is not None
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            if not self._answer.wait_for(lambda: self._started or self._process.poll() is not None, 60):
                raise RuntimeError("the zygote did not answer")
            if not self._started:
                raise RuntimeError(f"the zygote ended ({self._process.returncode})")
            child = ForkedProcess(self._started.pop(0), self)
            self._children[child.pid] = child
            if child.pid in self._early:
                child._exited(self._early.pop(child.pid))
        return child

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            self._process.wait(10)

    def _listen(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            message = json.loads(line)
            with self._answer:
                if "started" in message:
                    self._started.append(message["started"])
                elif (child := self._children.pop(message["exited"], None)) is not None:
                    child._exited(message["code"])
                else:
                    self._early[message["exited"]] = message["code"]
                self._answer.notify_all()
        with self._answer:  # the zygote is gone, and its children with it (PR_SET_PDEATHSIG)
            for child in self._children.values():
                child._exited(-signal.SIGKILL)
            self._children.clear()
            self._answer.notify_all()


_zygote: Zygote | None = None


def zygote(env: Mapping[str, str]) -> Zygote:
    """This test process's zygote (started at the first use)."""
    global _zygote
    if _zygote is None:
        _zygote = Zygote(env)
    return _zygote


def close_zygote() -> None:
    global _zygote
    if _zygote is not None:
        _zygote.close()
        _zygote = None


# --- the zygote process itself --------------------------------------------------------------------------


def cheap_password_hashing() -> None:
    """argon2's profile for tests instead of the product's (see tests/conftest.py)."""
    from argon2 import profiles

    from services import passwords

    passwords.HASHING = profiles.CHEAPEST


def serve_requests() -> None:
    for module in PRELOAD:
        __import__(module)
    cheap_password_hashing()
    assert threading.active_count() == 1, "forking is safe only while this process has one thread"
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ)
    children: set[int] = set()
    unread = b""
    while True:
        if selector.select(timeout=0.05):
            chunk = os.read(0, 1 << 16)
            if not chunk:
                break  # the tests are done
            *lines, unread = (unread + chunk).split(b"\n")
            for line in lines:
                request = json.loads(line)
                if "signal" in request:
                    if request["pid"] in children:  # not reaped yet: still ours, whatever its state
                        os.kill(request["pid"], request["signal"])
                    continue
                sys.stdout.flush()
                pid = os.fork()
                if pid == 0:
                    selector.close()
                    become(request)  # never returns: the child exits when main does
                children.add(pid)
                say({"started": pid})
        reap(children)
    end_children(children)


def reap(children: set[int]) -> None:
    for pid in list(children):
        ended, status = os.waitpid(pid, os.WNOHANG)
        if ended:
            children.discard(pid)
            say({"exited": pid, "code": os.waitstatus_to_exitcode(status)})


def end_children(children: set[int]) -> None:
    """The tests are done (or their worker died): no server outlives them, holding its port."""
    for pid in children:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while children and time.monotonic() < deadline:
        reap(children)
        time.sleep(0.05)
    for pid in children:
        os.kill(pid, signal.SIGKILL)


def become(request: dict) -> None:
    """In the child: take the request's streams, folder, environment and arguments, then run main. It
    dies with the zygote (PR_SET_PDEATHSIG), so a worker that crashed leaves no server behind."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the zygote died before that took effect
        os._exit(1)
    for fd, path, mode in (
        (0, request["stdin"] or os.devnull, os.O_RDONLY),
        (1, request["stdout"], os.O_WRONLY | os.O_APPEND),
        (2, request["stderr"], os.O_WRONLY | os.O_APPEND),
    ):
        opened = os.open(path, mode)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False))
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), line_buffering=True)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = [str(ROOT / "main.py"), *request["argv"]]
    import main

    sys.exit(main.main(request["argv"]))


def say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    serve_requests()
