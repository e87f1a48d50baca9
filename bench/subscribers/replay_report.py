"""The replay sections of the report: the cost of a resumed stream against a fresh one, and resuming
from memory against resuming from the database, over HTTP and in process."""

import asyncio
from pathlib import Path

from tests.utils.server import Server

from ..report import Section, median, ms, percentile, progress
from .missed import KEPT, MISSED, NOT_KEPT, SPARE
from .resume_http import ROUNDS, replay_over_http
from .resume_in_process import OPENING_DATABASE_RUNS, OPENING_RUNS, opening_costs


def _timing_row(label: str, events: int, values: list[float], unit: str = "ms") -> list[str]:
    def show(seconds: float) -> str:
        return f"{seconds * 1e6:.0f} µs" if unit == "µs" else f"{ms(seconds)} ms"

    return [label, f"{events:,}", show(median(values)), show(percentile(values, 0.95)), f"{len(values):,}"]


def replay(folder: Path) -> list[Section]:
    """Resuming with Last-Event-ID after 1,000 missed notifications, against a fresh stream, from memory
    and from the database, over HTTP and in process."""
    progress(f"subscribers: replay of {MISSED:,} missed notifications (two servers starting)")
    near = Server(
        f"sqlite:///{folder / 'memory.sqlite3'}", {"stats_interval": "0.2", "replay_events": str(KEPT)}
    )
    far = Server(
        f"sqlite:///{folder / 'database.sqlite3'}", {"stats_interval": "0.2", "replay_events": str(NOT_KEPT)}
    )
    try:
        near.start()
        far.start()
        r = asyncio.run(replay_over_http(near, far))
    finally:
        near.stop()
        far.stop()
    progress(f"subscribers: opening() for {MISSED:,} missed notifications, in process")
    opened = asyncio.run(opening_costs(folder))
    times, notifications = r["times"], r["notifications"]
    subjects = f"`{notifications[0].json()['subject']}` .. `{notifications[-1].json()['subject']}`"
    section = Section(
        "Replay cost of a resumed stream",
        f"A server keeping {KEPT:,} events for resumes (`AIRDATE_REPLAY_EVENTS`); {MISSED + SPARE:,} "
        f"notifications inserted with raw SQL and published; each resume missed the newest {MISSED:,}. Time "
        "from connecting until the last event a stream should get was parsed (httpx + the tests' SSE "
        f"parser), for a fresh stream and for streams resuming with `Last-Event-ID`; {ROUNDS} rounds, "
        "interleaved, after one warm-up round. Last row: `live.resume.opening()` in process for "
        f"{MISSED:,} missed notifications (all kinds: then the current snapshot), with a `LiveFeed` and a "
        f"`Hub` on a SQLite database, {OPENING_RUNS:,} calls.",
        ["stream", "events read", "median", "p95", "runs"],
    )
    section.rows += [
        _timing_row("fresh `/sse/stats`, until its first event (stats snapshot)", 1, times["fresh"]),
        _timing_row("resume, `Last-Event-ID` + `?events=notification`", MISSED, times["memory"]),
        _timing_row("resume, `Last-Event-ID`, all kinds (+ the current snapshot)", MISSED + 1, times["all"]),
        _timing_row(
            "in process: `await opening(feed, history, id, KINDS)`", MISSED + 1, opened["memory"], "µs"
        ),
    ]
    per_event = (median(times["all"]) - median(times["fresh"])) / MISSED
    section.notes += [
        f"A resume's id is a change-log id: the resumes start after change {r['resume']:,} and get the "
        f"{MISSED:,} notification events after it ({subjects}), with all kinds then the current stats "
        f"snapshot, whose id is the change it is current to ({r['last']:,}); log lines are not replayed. "
        "The ids are the change log's, in order, and the events the same every time (checked).",
        "These come from memory only: once the feed had published the inserts, this server's change log "
        "was emptied, so a resume its window could not serve would get `event: reset` (a resume from the "
        f"snapshot before the insert, {r['since']:,} changes back, now does: checked). Before that, that "
        f"resume got all {r['since']:,} notifications, the oldest few (which the window had let go) read "
        "from the change log, the same ids and bytes as a server keeping none in memory (checked).",
        f"Replaying the {MISSED:,} notifications and the snapshot costs about {per_event * 1e6:.0f} µs per "
        "event over a fresh connection (difference of medians, client-side parsing included).",
    ]
    return [section, _sources(times, opened)]


def _sources(times: dict[str, list[float]], opened: dict[str, list[float]]) -> Section:
    section = Section(
        "Resume from memory vs from the database",
        f"The same {MISSED:,} missed notifications (`Last-Event-ID` + `?events=notification`), served by the "
        f"server above from its window, and by a second server on its own SQLite database with the same "
        f"{MISSED + SPARE:,} notifications (so the same change ids) that keeps no events in memory "
        "(`AIRDATE_REPLAY_EVENTS=0`): it reads them from its change log (`changes_between`, off the "
        f"event loop) and encodes them as they were when new. Time from connecting until the {MISSED:,}th "
        f"was parsed, in the same {ROUNDS} rounds as above (which of the two goes first alternates). In "
        "process (all kinds, so the current snapshot follows): `await opening()` on a `LiveFeed` whose "
        f"`Hub` keeps them, and on one on the same database whose `Hub(replay_events=0)` does not, "
        f"{OPENING_RUNS:,} and {OPENING_DATABASE_RUNS:,} calls.",
        ["served from", "`AIRDATE_REPLAY_EVENTS`", "events read", "median", "p95", "runs", "÷ memory"],
    )
    pairs = (  # (how, events read, from memory, from the change log, units)
        ("over HTTP", MISSED, times["memory"], times["database"], ("ms", "ms")),
        (
            "in process, `opening()` (+ the snapshot)",
            MISSED + 1,
            opened["memory"],
            opened["database"],
            ("µs", "ms"),
        ),
    )
    for how, events, from_memory, from_database, units in pairs:
        sources = (("memory", KEPT, from_memory), ("the change log", NOT_KEPT, from_database))
        for (source, window, values), unit in zip(sources, units, strict=True):
            _, _, mid, p95, runs = _timing_row("", events, values, unit)
            ratio = f"{median(values) / median(from_memory):.2f}x"
            section.rows.append([f"{source}, {how}", f"{window:,}", f"{events:,}", mid, p95, runs, ratio])
    extra = (median(times["database"]) - median(times["memory"])) / MISSED
    section.notes.append(
        f"Both deliver exactly the same {MISSED:,} notification ids, in order, with the same data (checked "
        "every run; in process the chunks are compared byte for byte). Over HTTP the change log costs "
        f"about {extra * 1e6:.1f} µs more per missed notification than memory (difference of medians)."
    )
    return section
