"""Batches as the outbox hands them to the writers of messages, for tests that read what is written:
twenty episodes of ten shows with long overviews, and a show whose every name is hostile."""

from datetime import UTC, date, datetime, timedelta

from data.batches import Batch, Item
from data.show_facts import EpisodeFacts, Show
from services.message import Look

PUBLIC_JELLYSEERR = "https://requests.example.org"
HOSTILE = (
    '<img src=x onerror="alert(1)"> **bold** [click](javascript:alert(1)) `code` # & {{ title }} '
    "{{ 7*7 }} {% raw %}"
)
LONG = (
    "When the severed floor is reorganised overnight, the team finds their desks rearranged into a maze "
    "of partitions, a goat pen where the break room was, and a memo from management that nobody "
    "remembers writing; meanwhile outside, a stranger at the door knows far more than she should about "
    "what happens downstairs, and the waffle party is postponed again. "
) * 3


def look_at(poster_base: str = "https://image.tmdb.org/t/p/w342") -> Look:
    return Look(poster_base, PUBLIC_JELLYSEERR)


def item(
    number: int, show: str, tmdb_id: int, episode: int, title: str, overview: str, season: int = 1
) -> Item:
    aired = datetime(2025, 1, 10, 2, tzinfo=UTC) + timedelta(days=7 * episode)
    return Item(
        number,
        f"New episode: {show} S{season:02d}E{episode:02d}",
        f"{show} S{season:02d}E{episode:02d} is now available.",
        show,
        season,
        episode,
        title,
        date(2025, 1, 17),
        1,
        tmdb_id,
        EpisodeFacts(aired, 52, overview),
    )


def twenty_items(time_zone: str = "Europe/Berlin") -> Batch:
    """Two episodes each of ten shows, every overview far too long, every show with a poster and links."""
    shows = [(f"Show number {n} with a rather long name", 900_000 + n) for n in range(10)]
    items = [
        item(2 * n + e, name, tmdb_id, e, f"An episode title of some length, part {e}", LONG)
        for n, (name, tmdb_id) in enumerate(shows)
        for e in (1, 2)
    ]
    return Batch(
        1,
        "mark",
        "mark@example.org",
        items,
        owner="test",
        time_zone=time_zone,
        shows={
            tmdb_id: Show(
                tmdb_id,
                f"/poster{tmdb_id}.png",
                LONG,
                f"https://jellyfin.example.org/web/index.html#!/details?id={tmdb_id:032x}&context=home",
            )
            for _, tmdb_id in shows
        },
    )


def hostile_batch() -> Batch:
    """A show, episode, overview and user name made of HTML, Markdown and template syntax; its links
    try to be scripts."""
    hostile = [item(1, HOSTILE, 666, 1, HOSTILE, HOSTILE), item(2, HOSTILE, 666, 2, HOSTILE, HOSTILE)]
    show = Show(666, '/x.png" onerror="alert(1)', HOSTILE, 'https://x.example/"><script>alert(1)</script>')
    return Batch(1, HOSTILE, "mark@example.org", hostile, owner="test", shows={666: show})


def showcase_batch(poster_names: tuple[str, ...] = ("severance.png", "lighthouse.png")) -> Batch:
    """What a person sees after an evening of imports: two episodes of one show, one of another (the
    README's picture). ``poster_names``: the shows' poster paths."""
    severance, lighthouse = 95396, 910001
    first = "Mark returns to a changed floor, where the team he knew has been replaced overnight."
    second = "Helly and Mark search the severed floor for the goats; Irving receives an unexpected visitor."
    items = [
        item(1, "Severance", severance, 1, "Hello, Ms. Cobel", first, season=2),
        item(2, "Severance", severance, 2, "Goodbye, Mrs. Selvig", second, season=2),
        item(3, "The Lighthouse Keepers", lighthouse, 4, "Low Tide", "The storm cuts the island off. " * 3),
    ]
    jellyfin = "https://jellyfin.example.org/web/index.html#!/details?context=home&id="
    return Batch(
        1,
        "mark",
        "mark@example.org",
        items,
        owner="test",
        time_zone="Europe/Berlin",
        shows={
            severance: Show(severance, f"/{poster_names[0]}", "", f"{jellyfin}{severance:032x}"),
            lighthouse: Show(lighthouse, f"/{poster_names[1]}", "Keepers of a lighthouse.", None),
        },
    )
