"""Run every benchmark in one go: ``python -m bench [--quick]``.

Prints the report (markdown) on stdout and writes it to ``bench/results/latest.md``; progress goes
to stderr. ``--quick`` skips the 1 M-notification size of the stats read benchmark; every other
benchmark (the live feed, SSE fan-out, viewers, replay, PostgreSQL writers) runs in full either way.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from . import churn, fanout, feed, postgres, revocation, shutdown, stats_read, subscribers, viewers, wire
from .report import document, progress

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1 M-notification size (fast check)")
    parser.add_argument(
        "--output", type=Path, default=RESULTS / "latest.md", help="where to write the report (markdown)"
    )
    args = parser.parse_args(argv)
    sizes = tuple(size for size in stats_read.SIZES if not (args.quick and size >= 1_000_000))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="airdate-bench-") as temporary:
        folder = Path(temporary)
        for name in (
            "stats",
            "feed",
            "subscribers",
            "fanout",
            "viewers",
            "wire",
            "churn",
            "shutdown",
            "revocation",
            "postgres",
        ):
            (folder / name).mkdir()
        sections = [
            *stats_read.run(folder / "stats", sizes),
            *feed.run(folder / "feed"),
            *subscribers.run(folder / "subscribers"),
            *fanout.run(folder / "fanout"),
            *viewers.run(folder / "viewers"),
            *wire.run(folder / "wire"),
            *churn.run(folder / "churn"),
            *shutdown.run(folder / "shutdown"),
            *revocation.run(folder / "revocation"),
            *postgres.run(folder / "postgres"),
        ]
    command = "python -m bench" + (" --quick" if args.quick else "")
    report = document(sections, command=command, seconds=time.perf_counter() - started)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    print(report)
    progress(f"report written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
