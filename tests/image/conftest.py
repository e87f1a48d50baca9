"""The real Dockerfile, built and run on a machine with no registry and no OCI runtime (see the README's
"Docker" and ../shared/guides/containers.md): a stand-in for ``python:3.11-slim`` made from Debian's
packages, ``podman build --isolation=chroot``, and the image's command run in a chroot of the image as
its user. This checks the files, the user, the volume, the command and the health check's command; not
namespaces or cgroups. ``make test-image`` runs it (slow, not part of ``make test``)."""

import json
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from ..utils.waiting import until

ROOT = Path(__file__).resolve().parents[2]
BASE = "docker.io/library/python:3.11-slim"  # the Dockerfile's FROM, as podman names it
IMAGE = "localhost/airdate:test"
PORT = 8080  # the image's: its HEALTHCHECK asks 127.0.0.1:8080
SOURCES = Path("/etc/apt/sources.list.d/debian.sources")


def run(*command: str, **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]


def mirror() -> str:
    """The Debian mirror this machine's apt uses (read, not written into the repository)."""
    for line in SOURCES.read_text().splitlines():
        if line.startswith("URIs:"):
            return line.split()[1]
    raise RuntimeError(f"no URIs: line in {SOURCES}")


def make_base_image() -> None:
    """``python:3.11-slim`` made of Debian bookworm's packages (kept between runs)."""
    if subprocess.run(["podman", "image", "exists", BASE]).returncode == 0:
        return
    with tempfile.TemporaryDirectory(prefix="airdate-rootfs-") as folder:
        rootfs = Path(folder)
        packages = "python3,python3-venv,python3-pip,ca-certificates"
        run("debootstrap", "--variant=minbase", f"--include={packages}", "bookworm", str(rootfs), mirror())
        for marker in rootfs.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
            marker.unlink()
        (rootfs / "usr/local/bin/python").symlink_to("/usr/bin/python3")
        (rootfs / "usr/local/bin/pip").symlink_to("/usr/bin/pip3")
        shutil.copy("/etc/ssl/certs/ca-certificates.crt", rootfs / "etc/ssl/certs/ca-certificates.crt")
        (rootfs / "etc/pip.conf").write_text("[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n")
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        run("podman", "import", "-", BASE, stdin=tar.stdout)
        tar.wait()


@dataclass
class Image:
    name: str
    size: int  # bytes, as podman reports it
    env: dict[str, str]  # the image's ENV
    user: str
    workdir: str
    command: list[str]
    healthcheck: list[str]


def build() -> Image:
    # --format docker: the OCI format has no HEALTHCHECK (podman drops it with a warning), Docker's has
    run(
        "podman",
        "build",
        "--pull=never",
        "--isolation=chroot",
        "--format",
        "docker",
        "-t",
        IMAGE,
        ".",
        cwd=ROOT,
    )
    (info,) = json.loads(run("podman", "image", "inspect", IMAGE).stdout)
    config = info["Config"]
    env = dict(item.split("=", 1) for item in config.get("Env", []))
    env.setdefault("PATH", "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin")
    check = info.get("Healthcheck") or info.get("HealthCheck") or config.get("Healthcheck") or {}
    return Image(
        IMAGE, int(info["Size"]), env, config["User"], config["WorkingDir"], config["Cmd"], check["Test"][1:]
    )


@dataclass
class Chroot:
    """A container made from the image, mounted, with /proc, /dev and a tmpfs /dev/shm: its command runs
    here as the image's user, on the host's network."""

    image: Image
    root: Path = Path()
    container: str = ""
    mounts: list[Path] = field(default_factory=list)

    def __enter__(self) -> "Chroot":
        self.container = run("podman", "create", self.image.name).stdout.strip()
        self.root = Path(run("podman", "mount", self.container).stdout.strip())
        for inside, how in (("proc", ["--bind", "/proc"]), ("dev", ["--bind", "/dev"])):
            run("mount", *how, str(self.root / inside))
            self.mounts.append(self.root / inside)
        run("mount", "-t", "tmpfs", "-o", "mode=1777", "tmpfs", str(self.root / "dev/shm"))
        self.mounts.append(self.root / "dev/shm")
        return self

    def __exit__(self, *_: object) -> None:
        for mounted in reversed(self.mounts):
            subprocess.run(["umount", "-l", str(mounted)], check=False)
        subprocess.run(["podman", "umount", self.container], check=False, capture_output=True)
        subprocess.run(["podman", "rm", "-f", self.container], check=False, capture_output=True)

    def command(self, argv: list[str], env: dict[str, str]) -> list[str]:
        """``argv`` in the image's WORKDIR with only the image's ENV (and ``env``), as its user; the
        shell ``exec``s, so a signal to the process reaches ``argv`` itself."""
        variables = [f"{key}={value}" for key, value in {**self.image.env, **env}.items()]
        user, enter = self.uid_gid(), f'cd {self.image.workdir} && exec "$@"'
        return ["chroot", f"--userspec={user}", str(self.root), "/bin/sh", "-c", enter, "sh",
                "env", "-i", *variables, *argv]  # fmt: skip

    def uid_gid(self) -> str:
        """The image's USER as numbers, from the image's own /etc/passwd (not this machine's)."""
        for line in (self.root / "etc/passwd").read_text().splitlines():
            name, _, uid, gid, *_ = line.split(":")
            if self.image.user in (name, uid):
                return f"{uid}:{gid}"
        raise AssertionError(f"USER {self.image.user} is not in the image's /etc/passwd")

    def start(self, env: dict[str, str], argv: list[str] | None = None) -> subprocess.Popen:
        self.output = tempfile.NamedTemporaryFile(prefix="airdate-image-")  # noqa: SIM115
        command = self.command(argv or self.image.command, env)
        return subprocess.Popen(command, stdout=self.output, stderr=subprocess.STDOUT)

    def printed(self) -> str:
        return Path(self.output.name).read_text(errors="replace")

    def run(
        self, argv: list[str], env: dict[str, str] | None = None, stdin: str = ""
    ) -> subprocess.CompletedProcess:
        command = self.command(argv, env or {})
        return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)


def healthy(timeout: float = 60, since: float | None = None) -> float:
    """Seconds until /healthz answered 200 on the image's port (from ``since``, a time.monotonic())."""
    started = time.monotonic() if since is None else since
    until(answers_ok, within=timeout, what="/healthz answers 200")
    return time.monotonic() - started


def answers_ok() -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{PORT}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def stop(process: subprocess.Popen) -> float:
    """SIGTERM, as a container runtime sends it; seconds until the process was gone."""
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    return time.monotonic() - began


@pytest.fixture(scope="session")
def image() -> Image:
    for tool in ("podman", "debootstrap", "chroot"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: `make test-image` installs it")
    require_free(PORT)
    make_base_image()
    return build()


@pytest.fixture
def chroot(image: Image) -> Iterator[Chroot]:
    with Chroot(image) as mounted:
        yield mounted


def require_free(port: int) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is fine
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            pytest.fail(
                f"port {port} is in use: the image's HEALTHCHECK asks 127.0.0.1:{port}; free it first"
            )
