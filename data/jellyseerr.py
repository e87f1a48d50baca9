"""Writing what Jellyseerr (or Overseerr) says: users and requests upserted by their Jellyseerr id, the
seasons a request asks for, and what a complete listing no longer has marked removed.

Each function takes a session and leaves committing to the caller (one item, one transaction).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, update
from sqlmodel import Session, col, select

from .addresses import address_or_none
from .clock import utcnow
from .models import MediaRequest, RequestSeason, RequestStatus, User
from .upsert import upsert

CHUNK = 500  # ids per statement when marking removals


@dataclass(frozen=True)
class UpstreamUser:
    jellyseerr_id: int
    name: str
    email: str | None  # Jellyseerr's ``email`` field as it came; None: the listing did not include it
    locale: str | None = None  # their settings.locale ('' none set); None: not read, left as it is


@dataclass(frozen=True)
class UpstreamRequest:
    jellyseerr_id: int
    media_type: str
    title: str
    tmdb_id: int
    tvdb_id: int | None
    status: RequestStatus
    seasons: tuple[int, ...]  # () for a movie
    all_seasons: bool = False  # every season the show had when it was asked for (later ones count too)


def merge_user(session: Session, user: UpstreamUser) -> tuple[int, str]:
    """Create or update the user with this Jellyseerr id; (user id, what happened: created, updated or
    unchanged).

    The address Airdate mails is Jellyseerr's ``email`` when that is an address; otherwise an address an
    admin set stays (decided in the update itself: an admin saving one meanwhile is not overwritten), and
    without one the user has none."""
    before = session.exec(select(User).where(User.jellyseerr_id == user.jellyseerr_id)).first()
    wanted: dict = {"username": user.name, "removed_at": None}
    if user.locale is not None:
        wanted["locale"] = user.locale
    address = None if user.email is None else address_or_none(user.email)
    if user.email is not None:
        wanted["upstream_email"] = user.email
        if address is not None:
            wanted |= {"email": address, "email_set_by_admin": False}
    if before is None:
        return _upsert(session, User, user.jellyseerr_id, {"email": "", **wanted}), "created"
    admins = before.email_set_by_admin and address is None
    if all(getattr(before, key) == value for key, value in wanted.items()) and (
        admins or address or not before.email
    ):
        return before.id, "unchanged"  # type: ignore[return-value]
    if user.email is not None and address is None:  # keep an admin's address, else none
        wanted["email"] = case((col(User.email_set_by_admin), col(User.email)), else_="")
    session.execute(update(User).where(col(User.jellyseerr_id) == user.jellyseerr_id).values(**wanted))
    return before.id, "updated"  # type: ignore[return-value]


def merge_request(session: Session, request: UpstreamRequest, requester_id: int) -> str:
    """Create or update the request with this Jellyseerr id, and the seasons it asks for; what happened."""
    wanted = {
        "media_type": request.media_type,
        "title": request.title,
        "tmdb_id": request.tmdb_id,
        "tvdb_id": request.tvdb_id,
        "status": request.status,
        "requester_id": requester_id,
        "all_seasons": request.all_seasons,
    }
    before = session.exec(
        select(MediaRequest).where(MediaRequest.jellyseerr_id == request.jellyseerr_id)
    ).first()
    seasons_before = set() if before is None else set(seasons_of(session, before.id))  # type: ignore[arg-type]
    if (
        before is not None
        and all(getattr(before, key) == value for key, value in wanted.items())
        and seasons_before == set(request.seasons)
    ):
        return "unchanged"
    row_id = _upsert(session, MediaRequest, request.jellyseerr_id, wanted)
    if seasons_before != set(request.seasons):
        session.execute(delete(RequestSeason).where(col(RequestSeason.request_id) == row_id))
        session.add_all(RequestSeason(request_id=row_id, season=season) for season in sorted(request.seasons))
        session.flush()
    return "created" if before is None else "updated"


def seasons_of(session: Session, request_id: int) -> list[int]:
    query = select(RequestSeason.season).where(RequestSeason.request_id == request_id)
    return sorted(session.exec(query.order_by(col(RequestSeason.season))).all())


def remove_users_missing_from(
    session: Session, listed: Iterable[int], started: datetime, now: datetime | None = None
) -> int:
    """Mark removed the users from Jellyseerr that a complete listing, read from ``started`` on, did not
    have (users added meanwhile, by a webhook or the other sync, were not there to be listed); how many."""
    present = session.exec(
        select(User.id, User.jellyseerr_id).where(
            col(User.jellyseerr_id).is_not(None), col(User.removed_at).is_(None), User.created_at < started
        )
    ).all()
    gone = _missing(present, listed)
    for chunk in _chunks(gone):
        session.execute(update(User).where(col(User.id).in_(chunk)).values(removed_at=now or utcnow()))
    return len(gone)


def remove_requests_missing_from(session: Session, listed: Iterable[int], started: datetime) -> int:
    """Mark removed the requests from Jellyseerr that a complete listing, read from ``started`` on, did
    not have (see :func:`remove_users_missing_from`); how many."""
    present = session.exec(
        select(MediaRequest.id, MediaRequest.jellyseerr_id).where(
            col(MediaRequest.jellyseerr_id).is_not(None),
            MediaRequest.status != RequestStatus.REMOVED,
            MediaRequest.created_at < started,
        )
    ).all()
    gone = _missing(present, listed)
    for chunk in _chunks(gone):
        session.execute(
            update(MediaRequest).where(col(MediaRequest.id).in_(chunk)).values(status=RequestStatus.REMOVED)
        )
    return len(gone)


def users_without_address(session: Session) -> int:
    """How many users from Jellyseerr, not removed, Airdate has no e-mail address for."""
    query = select(User.id).where(
        col(User.jellyseerr_id).is_not(None), col(User.removed_at).is_(None), User.email == ""
    )
    return len(session.exec(query).all())


def _upsert(
    session: Session, model: type[User] | type[MediaRequest], jellyseerr_id: int, wanted: dict
) -> int:
    """Insert or update the row with this Jellyseerr id in one atomic statement (two syncs at once end
    with one row and no error); its id."""
    values = {"jellyseerr_id": jellyseerr_id, **wanted, "created_at": utcnow()}
    table = model.__table__  # type: ignore[attr-defined]
    row = upsert(
        session, table, values, keys=("jellyseerr_id",), insert_only=("created_at",), returning=("id",)
    )
    assert row is not None
    return row.id


def _missing(present: Sequence[tuple[int | None, int | None]], listed: Iterable[int]) -> list[int]:
    seen = set(listed)
    return [row_id for row_id, upstream_id in present if upstream_id not in seen and row_id is not None]


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
