"""One fan-out comparison, for iterating: ``python -m bench.fanout [N] [--runs R] [--only KIND]``."""

import argparse
import tempfile
from pathlib import Path

from bench.report import median

from .run import KINDS, measure


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout")
    parser.add_argument("subscribers", type=int, nargs="?", default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--only", choices=KINDS, action="append")
    args = parser.parse_args()
    kinds = args.only or list(KINDS)
    results: dict[str, list] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory(prefix="airdate-fanout-") as folder:
        for _ in range(args.runs):
            for kind in kinds:
                result = measure(kind, Path(folder), args.subscribers, seconds=args.seconds)
                results[kind].append(result)
                spread = f"p50 {result.spread_p50 * 1000:4.0f} p99 {result.spread_p99 * 1000:4.0f} ms"
                memory = f"{result.rss_per_subscriber / 1024:5.1f} KiB"
                cpu = f"cpu {result.cpu_per_event * 1000:4.0f} ms/event"
                seen = f"{result.complete}/{result.events}  load {result.load:.2f}"
                print(f"{kind:10} {spread}  {memory}  {cpu}  {seen}", flush=True)
    print("medians:")
    for kind, rows in results.items():
        print(
            f"{kind:10} p50 {median([r.spread_p50 for r in rows]) * 1000:4.0f} "
            f"p99 {median([r.spread_p99 for r in rows]) * 1000:4.0f} ms  "
            f"{median([r.rss_per_subscriber for r in rows]) / 1024:5.1f} KiB  "
            f"cpu {median([r.cpu_per_event for r in rows]) * 1000:4.0f} ms/event"
        )


main()
