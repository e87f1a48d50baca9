"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries, a temp folder.

PostgreSQL refuses to run as root, so when we are root the cluster belongs to the ``postgres`` OS
user (``runuser``). It listens on a free loopback port with ``trust`` authentication, keeps its
socket in its own folder, skips fsync (nothing here must survive a power cut), and runs sessions in
``Asia/Tokyo`` by default, so that any code that assumes the server is in UTC shows up in tests.
"""

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Self

from .net import free_port

BINARIES = "/usr/lib/postgresql/*/bin"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine (Debian package ``postgresql``)."""


class Postgres:
    def __init__(self, *, timezone: str = "Asia/Tokyo") -> None:
        found = sorted(glob.glob(f"{BINARIES}/pg_ctl"))
        if not found:
            raise PostgresUnavailable(f"no pg_ctl in {BINARIES}: apt-get install postgresql")
        self.bin = Path(found[-1]).parent
        self.timezone = timezone
        self.port = 0
        self.folder: Path | None = None

    def start(self) -> Self:
        self.folder = Path(tempfile.mkdtemp(prefix="airdate-pg-"))
        data = self.folder / "data"
        self._own(self.folder)
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self.port = free_port()
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off -c timezone={self.timezone} "
            "-c max_connections=200"
        )
        log = self.folder / "server.log"
        self._run("pg_ctl", "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
        return self

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (which nobody may be connected to); its URL."""
        self.psql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def url(self, name: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def load(self, script: Path, database: str) -> None:
        """Run an SQL script (e.g. a ``pg_dump``) in ``database``."""
        self._run(
            "psql", *self._where(database), "-v", "ON_ERROR_STOP=1", "-q", "-f", "-", stdin=script.read_text()
        )

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-qAt",
            "-c",
            sql,
        )

    def stop(self) -> None:
        if self.folder is None:
            return
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def _where(self, database: str) -> list[str]:
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database]

    def _run(self, program: str, *args: str, stdin: str | None = None) -> str:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/", input=stdin)
        if done.returncode:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
        return done.stdout

    @staticmethod
    def _own(folder: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
