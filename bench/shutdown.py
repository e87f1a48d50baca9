"""How long the server takes to stop on SIGTERM with real ``curl -N`` streams open, against none.

A real server (``main.py`` as a subprocess) per run; N ``curl -sN /sse/stats`` processes are started
and the benchmark waits until ``airdate_sse_subscribers`` says N, then sends SIGTERM and times until
the server process has exited. Runs with 0 and 5 streams alternate; each curl must end by itself
(its stream was closed properly, exit code 0) and the server must print no traceback.
"""

import signal
import subprocess
import time
from pathlib import Path

from tests.utils.server import Server

from .report import Section, median, ms, progress

STREAMS = (0, 5)
ROUNDS = 3


def _stop_with_streams(folder: Path, streams: int) -> tuple[float, int, int]:
    """Seconds from SIGTERM to exit, curls that ended cleanly, tracebacks printed."""
    server = Server(f"sqlite:///{folder / 'shutdown.sqlite3'}", {"stats_interval": "1"}).start()
    curls = [
        subprocess.Popen(["curl", "-sN", f"{server.url}/sse/stats"], stdout=subprocess.DEVNULL)
        for _ in range(streams)
    ]
    deadline = time.monotonic() + 20
    while server.metric("airdate_sse_subscribers") != streams:
        if time.monotonic() > deadline:
            raise TimeoutError("the curl streams did not connect")
        time.sleep(0.02)
    started = time.perf_counter()
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(30)
    took = time.perf_counter() - started
    clean = sum(curl.wait(10) == 0 for curl in curls)
    printed = server.stop()
    return took, clean, printed.count("Traceback")


def run(folder: Path) -> list[Section]:
    results: dict[int, list[tuple[float, int, int]]] = {n: [] for n in STREAMS}
    for round_ in range(ROUNDS):
        for streams in STREAMS:
            progress(f"shutdown: round {round_ + 1}, SIGTERM with {streams} curl streams")
            results[streams].append(_stop_with_streams(folder, streams))
    section = Section(
        "Stopping with streams open (SIGTERM)",
        __doc__.split("\n\n", 1)[1].replace("\n", " ").replace("``", "`").strip(),
        ["curl -N streams", "runs", "median ms to exit", "max ms", "curls ended cleanly", "tracebacks"],
    )
    for streams, runs in results.items():
        times = [took for took, _, _ in runs]
        section.rows.append(
            [
                str(streams),
                str(len(runs)),
                ms(median(times)),
                ms(max(times)),
                f"{sum(c for _, c, _ in runs)} of {streams * len(runs)}",
                str(sum(t for _, _, t in runs)),
            ]
        )
    with_streams = median([t for t, _, _ in results[STREAMS[-1]]])
    section.notes.append(f"Target: ≤ 2 s with 5 streams; measured {with_streams:.2f} s (median).")
    return [section]


if __name__ == "__main__":  # pragma: no cover - a quick look without the rest of the bench
    import tempfile

    with tempfile.TemporaryDirectory() as temporary:
        print(run(Path(temporary))[0].markdown())
