"""Shared pieces of the benchmarks: timing statistics, machine facts and markdown sections."""

import os
import platform
import sqlite3
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata


@dataclass
class Section:
    """One benchmark's part of the report: a heading, what it measures, a table and notes."""

    title: str
    measures: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", self.measures, "", table(self.headers, self.rows)]
        if self.notes:
            lines += ["", *(f"- {note}" for note in self.notes)]
        return "\n".join(lines)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A markdown table whose columns are padded so that it also reads well as plain text."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        padded = (str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` in 0..1) of ``values``."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    """Seconds as milliseconds with a precision that suits the magnitude."""
    value = seconds * 1000
    if value < 1:
        return f"{value:.3f}"
    if value < 100:
        return f"{value:.2f}"
    return f"{value:.0f}"


def machine_facts() -> list[str]:
    """Facts needed to compare this report with one from another machine."""
    packages = ("nicegui", "fastapi", "starlette", "uvicorn", "sqlalchemy", "python-socketio", "playwright")
    versions = ", ".join(f"{name} {_version(name)}" for name in packages)
    return [
        f"date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"python: {sys.version.split()[0]} ({platform.python_implementation()})",
        f"sqlite: {sqlite3.sqlite_version}",
        f"packages: {versions}",
        f"chromium: {_chromium()}",
        f"platform: {platform.platform()}",
        f"cpu count: {os.cpu_count()}, memory: {_memory_gib():.0f} GiB",
    ]


def _memory_gib() -> float:
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def _chromium() -> str:
    try:
        return subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20
        ).stdout.strip()
    except OSError:
        return "not installed"


def document(sections: list[Section], *, command: str, seconds: float) -> str:
    """The whole report as markdown."""
    head = ["# Airdate benchmarks", "", f"Command: `{command}` (took {seconds:.0f} s)", ""]
    head += [f"- {fact}" for fact in machine_facts()]
    return "\n\n".join(["\n".join(head), *(section.markdown() for section in sections)]) + "\n"


def progress(message: str) -> None:
    """A progress line on stderr, so that stdout carries only the report."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)
