"""Rows made through Airdate's own write paths."""

from data import Database, outbox
from data.models import MediaType, Notification, NotificationStatus, RequestStatus, User
from data.writes import add_request, add_user, track_episode


def make_users(database: Database, count: int, prefix: str = "user") -> list[int]:
    with database.transaction() as session:
        ids = [add_user(session, f"{prefix}{i}", f"{prefix}{i}@example.org").id for i in range(count)]
    return ids


def make_tracked_show(database: Database, tmdb_id: int = 1, requesters: int = 2) -> list[int]:
    """A tv show requested by ``requesters`` new users; returns their ids."""
    with database.transaction() as session:
        users = [
            add_user(session, f"fan{tmdb_id}_{i}", f"fan{tmdb_id}_{i}@example.org") for i in range(requesters)
        ]
        for user in users:
            add_request(session, user, MediaType.TV, f"Show {tmdb_id}", tmdb_id)
        return [user.id for user in users]


def land_episode(database: Database, tmdb_id: int = 1, season: int = 1, number: int = 1) -> bool:
    with database.transaction() as session:
        episode = track_episode(session, tmdb_id, f"Show {tmdb_id}", season, number, f"Episode {number}")
    return episode is not None


def send_all_pending(database: Database) -> int:
    """Claim and mark sent every user's batch, as the mailer does once the SMTP server accepted it."""
    sent = 0
    for user_id, channel_id in database.read(outbox.due_batches, grouping_delay=0):
        batch = database.write(outbox.claim, user_id, channel_id, owner="tests")
        database.write(outbox.mark_sent, batch)
        sent += len(batch.items)
    return sent


def make_movie_request(
    database: Database, user_id: int, status: RequestStatus = RequestStatus.AVAILABLE
) -> None:
    with database.transaction() as session:
        add_request(session, session.get(User, user_id), MediaType.MOVIE, "A Movie", 99, status=status)


def make_notifications(database: Database, count: int, user_id: int | None = None) -> list[int]:
    """``count`` pending notifications (for a new user unless one is given), committed together."""
    if user_id is None:
        user_id = make_users(database, 1, prefix="reader")[0]
    with database.transaction() as session:
        rows = [Notification(user_id=user_id, subject=f"Note {i}", body="b") for i in range(count)]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def set_status(database: Database, notification_id: int, status: NotificationStatus) -> None:
    with database.transaction() as session:
        row = session.get(Notification, notification_id)
        row.status = status
