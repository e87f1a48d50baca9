"""nginx in front of real Airdate replicas, for tests: Debian's nginx as a plain process, running the
shipped ``deploy/nginx.conf`` from a temp folder on a free loopback port.

There is one config: the shipped file names the replicas ``airdate1:8080``, ``airdate2:8080``…
(compose's service names). Rendering replaces each of those with the address a test's replica listens
on, ``listen 80;`` with a free loopback port, and adds temp and log paths inside the temp folder; the
rest (stickiness, fallback, SSE settings) is exactly what ships. As root, the workers run as root too
(the temp folder is private).
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import httpx

from .net import free_port

SHIPPED = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf"
REPLICA = re.compile(r"\b(airdate\d+):8080\b")
LISTEN = re.compile(r"^(\s*)listen 80;", re.MULTILINE)
HTTP = re.compile(r"^http \{$", re.MULTILINE)
SHIPPED_LOG = re.compile(r"^(\s*access_log )/var/log/nginx/access\.log( airdate;)$", re.MULTILINE)


# One access-log line per finished request (a stream: when it ended): when (epoch seconds, to the
# millisecond), the status nginx answered, the request line, and each upstream it tried with that one's
# status ("127.0.0.1:8001, 127.0.0.1:8002" / "502, 200" when it moved on to another).
LOG_FORMAT = '$msec $status "$request_method $uri $server_protocol" "$upstream_addr" "$upstream_status"'
LOG_LINE = re.compile(r'^(\S+) (\d{3}) "([^"]*)" "([^"]*)" "([^"]*)"$')


@dataclass(frozen=True)
class Access:
    """One line of the access log."""

    at: float  # time.time() when nginx finished the request
    status: int
    request: str  # e.g. "GET /sse/stats HTTP/1.1"
    upstreams: tuple[str, ...]  # host:port of each replica tried, in order ("-" for none)
    upstream_statuses: tuple[str, ...]  # what each answered ("502" also for one that did not)

    @property
    def path(self) -> str:
        parts = self.request.split(" ")
        return parts[1].split("?", 1)[0] if len(parts) > 1 else ""


def parse_access(line: str) -> Access:
    found = LOG_LINE.match(line)
    if found is None:
        raise ValueError(f"not an access-log line: {line!r}")
    at, status, request, addresses, statuses = found.groups()
    return Access(float(at), int(status), request, _tries(addresses), _tries(statuses))


def _tries(text: str) -> tuple[str, ...]:
    """nginx separates the servers of one upstream by ", " and an internal redirect's next upstream
    (error_page → @airdate_pool) by " : "."""
    return tuple(part.strip() for part in re.split(r"[,:] (?=\S)", text) if part.strip())


class NginxUnavailable(RuntimeError):
    """No nginx binary on this machine (Debian package ``nginx``)."""


def render(config: str, replicas: dict[str, str], port: int, folder: Path) -> str:
    """``config`` with each ``airdateN:8080`` replaced by ``replicas[airdateN]`` (host:port), nginx
    listening on ``127.0.0.1:port``, and its temp files and access log in ``folder``."""
    named = set(REPLICA.findall(config))
    if named != set(replicas):
        raise ValueError(f"the config names replicas {sorted(named)}, not {sorted(replicas)}")
    if len(LISTEN.findall(config)) != 1 or len(HTTP.findall(config)) != 1:
        raise ValueError("the config must have one `listen 80;` line and one `http {` line")
    rendered = REPLICA.sub(lambda found: replicas[found.group(1)], config)
    rendered = LISTEN.sub(rf"\g<1>listen 127.0.0.1:{port};", rendered)
    rendered = SHIPPED_LOG.sub(rf"\g<1>{folder / 'shipped-access.log'}\g<2>", rendered)
    paths = "".join(
        f"\n    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    log = (
        f"\n    log_format airdate_test '{LOG_FORMAT}';\n    access_log {folder / 'access.log'} airdate_test;"
    )
    return HTTP.sub(lambda _: f"http {{{paths}{log}", rendered)


class Nginx:
    def __init__(self, replicas: dict[str, str], config: Path = SHIPPED) -> None:
        binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if binary is None:
            raise NginxUnavailable("no nginx: apt-get install nginx")
        self.binary = binary
        self.replicas = replicas
        self.config = config
        self.port = 0
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10) -> Self:
        self.folder = Path(tempfile.mkdtemp(prefix="airdate-nginx-"))
        self.port = free_port()
        conf = self.folder / "nginx.conf"
        conf.write_text(render(self.config.read_text(), self.replicas, self.port, self.folder))
        directives = f"daemon off; pid {self.folder / 'nginx.pid'}; error_log {self.folder / 'error.log'};"
        if os.geteuid() == 0:
            directives += " user root;"
        command = [self.binary, "-p", str(self.folder), "-c", str(conf), "-g", directives]
        checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, timeout=30)
        if checked.returncode:
            raise RuntimeError(f"nginx refused the config: {checked.stderr.strip()}")
        with (self.folder / "stderr.log").open("wb") as stderr:  # where /sse/'s error_log goes
            self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.errors()}")
            try:
                httpx.get(f"{self.url}/healthz", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not start: {self.errors()}")

    def errors(self) -> str:
        """nginx's error log so far."""
        log = self.folder / "error.log" if self.folder else None
        return log.read_text() if log is not None and log.exists() else ""

    def every_log(self) -> str:
        """All nginx wrote: its error log, its stderr, the shipped access log and the test's."""
        names = ("error.log", "stderr.log", "shipped-access.log", "access.log")
        found = [self.folder / name for name in names] if self.folder else []
        return "".join(path.read_text(errors="replace") for path in found if path.exists())

    def access_log(self) -> list[Access]:
        """Every request nginx finished so far (streams still open are not in it yet)."""
        log = self.folder / "access.log" if self.folder else None
        if log is None or not log.exists():
            return []
        return [parse_access(line) for line in log.read_text().splitlines() if line]

    def stop(self) -> None:
        """Stop it (SIGTERM: fast shutdown, open streams are cut) and remove its folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
