"""Demo data: believable, fictional users, shows and episodes, and a simulator that keeps them moving.

Everything here writes through :mod:`data.writes`, Airdate's own write paths, and only into a
database marked as a demo database (see :func:`claim_demo_database`).
"""

import logging
import random
from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from .db import Database, DatabaseError
from .models import Episode, MediaRequest, MediaType, Notification, NotificationStatus, RequestStatus, User
from .writes import add_request, add_user, mark_sent, track_episode

log = logging.getLogger("airdate.demo")

DEMO_MARK = "demo"

FIRST_NAMES = (
    "ada", "bruno", "chiara", "dmitri", "elif", "farah", "gustav", "hana", "ines", "jonas", "kofi",
    "lena", "mateo", "noor", "oskar", "priya", "quinn", "rosa", "sami", "tove", "umar", "vera",
)  # fmt: skip
SHOWS = (  # fictional: (tmdb id, title)
    (910001, "The Lighthouse Keepers"),
    (910002, "Orbital Kitchen"),
    (910003, "Saltmarsh"),
    (910004, "Night Shift at Ward 9"),
    (910005, "The Cartographer's Daughter"),
    (910006, "Parallel Lines"),
    (910007, "Ember & Frost"),
    (910008, "Quiet Harbour"),
)
MOVIES = (
    (920001, "A Winter in Lisbon"),
    (920002, "Paper Satellites"),
    (920003, "The Last Tram"),
    (920004, "Copper Sky"),
    (920005, "Small Hours"),
)
EPISODE_WORDS = ("Arrival", "Undertow", "Signals", "Low Tide", "The Ledger", "Static", "Homecoming", "Fault")


def claim_demo_database(database: Database) -> None:
    """Mark a new, empty database as the demo's; refuse any database that holds real data."""
    if database.get_meta(DEMO_MARK) == "1":
        return
    if database.read_stats().users:
        raise DatabaseError(
            f"{database.describe()} holds data and is not a demo database; "
            "the demo only runs on its own file (AIRDATE_DEMO_DATABASE_URL)"
        )
    database.set_meta(DEMO_MARK, "1")


class Simulator:
    """Produces requests, episodes, pending notifications and sent batches, a step at a time."""

    def __init__(self, database: Database, *, seed: int | None = None) -> None:
        self.database = database
        self.random = random.Random(seed)

    def populate(self, users: int = 12) -> None:
        """Give a fresh demo database a starting population (does nothing if it has users)."""
        claim_demo_database(self.database)
        with self.database.session() as session:
            if session.exec(select(func.count()).select_from(User)).one():
                return
            people = [add_user(session, name, f"{name}@example.org") for name in FIRST_NAMES[:users]]
            for person in people:
                tmdb_id, title = self.random.choice(SHOWS)
                add_request(session, person, MediaType.TV, title, tmdb_id)
            for tmdb_id, title in SHOWS[:4]:
                for number in range(1, 4):
                    track_episode(session, tmdb_id, title, 1, number, self._episode_title(), notify=False)
            session.commit()

    def step(self) -> str:
        """One believable event; returns what happened (for the log)."""
        action = self.random.choices(
            (self._new_user, self._new_request, self._new_episode, self._send_batch), weights=(1, 3, 4, 3)
        )[0]
        with self.database.session() as session:
            happened = action(session)
            session.commit()
        log.info("%s", happened)
        return happened

    def _new_user(self, session: Session) -> str:
        taken = set(session.exec(select(User.username)).all())
        free = [name for name in FIRST_NAMES if name not in taken]
        name = self.random.choice(free) if free else f"viewer{len(taken) + 1}"
        add_user(session, name, f"{name}@example.org")
        return f"new user {name}"

    def _new_request(self, session: Session) -> str:
        users = session.exec(select(User)).all()
        if not users:
            return self._new_user(session)
        person = self.random.choice(users)
        if self.random.random() < 0.7:
            tmdb_id, title = self.random.choice(SHOWS)
            add_request(session, person, MediaType.TV, title, tmdb_id)
        else:
            tmdb_id, title = self.random.choice(MOVIES)
            add_request(session, person, MediaType.MOVIE, title, tmdb_id, status=RequestStatus.AVAILABLE)
        return f"{person.username} requested {title}"

    def _new_episode(self, session: Session) -> str:
        tracked = session.exec(
            select(MediaRequest.tmdb_id, MediaRequest.title)
            .where(MediaRequest.media_type == MediaType.TV, MediaRequest.status == RequestStatus.APPROVED)
            .distinct()
        ).all()
        if not tracked:
            return self._new_request(session)
        tmdb_id, title = self.random.choice(tracked)
        season, number = self._next_episode_number(session, tmdb_id)
        air_date = date.today() - timedelta(days=self.random.randint(0, 2))
        track_episode(session, tmdb_id, title, season, number, self._episode_title(), air_date)
        return f"{title} S{season:02d}E{number:02d} landed"

    def _send_batch(self, session: Session) -> str:
        pending = session.exec(
            select(Notification.id, Notification.user_id).where(
                Notification.status == NotificationStatus.PENDING
            )
        ).all()
        if not pending:
            return self._new_episode(session)
        user_id = self.random.choice(pending)[1]
        batch = [nid for nid, uid in pending if uid == user_id]
        mark_sent(session, batch)
        return f"sent a batch of {len(batch)} to user {user_id}"

    def _next_episode_number(self, session: Session, tmdb_id: int) -> tuple[int, int]:
        last = session.exec(
            select(Episode.season, Episode.number)
            .where(Episode.tmdb_id == tmdb_id)
            .order_by(col(Episode.season).desc(), col(Episode.number).desc())
        ).first()
        if last is None:
            return 1, 1
        season, number = last
        return (season + 1, 1) if number >= 10 else (season, number + 1)

    def _episode_title(self) -> str:
        return self.random.choice(EPISODE_WORDS)
