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

from . import (
    churn,
    fanout,
    feed,
    postgres,
    replicas,
    revocation,
    shutdown,
    stats_read,
    subscribers,
    viewers,
    wire,
)
from .report import document, progress

RESULTS = Path(__file__).resolve().parent / "results"
BENCHMARKS = {  # in the order they run
    "stats": stats_read.run,
    "feed": feed.run,
    "subscribers": subscribers.run,
    "fanout": fanout.run,
    "viewers": viewers.run,
    "wire": wire.run,
    "churn": churn.run,
    "shutdown": shutdown.run,
    "revocation": revocation.run,
    "postgres": postgres.run,
    "replicas": replicas.run,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1 M-notification size (fast check)")
    parser.add_argument(
        "--output", type=Path, default=RESULTS / "latest.md", help="where to write the report (markdown)"
    )
    parser.add_argument(
        "--only", choices=list(BENCHMARKS), action="append", help="run only these benchmarks (repeatable)"
    )
    args = parser.parse_args(argv)
    sizes = tuple(size for size in stats_read.SIZES if not (args.quick and size >= 1_000_000))
    chosen = args.only or list(BENCHMARKS)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="airdate-bench-") as temporary:
        sections = []
        for name in chosen:
            folder = Path(temporary) / name
            folder.mkdir()
            run = BENCHMARKS[name]
            sections += run(folder, sizes) if name == "stats" else run(folder)
    command = (
        "python -m bench"
        + (" --quick" if args.quick else "")
        + "".join(f" --only {n}" for n in args.only or ())
    )
    report = document(sections, command=command, seconds=time.perf_counter() - started)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    print(report)
    progress(f"report written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
