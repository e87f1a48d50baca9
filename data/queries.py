"""Paged, sorted, searchable listings of users, requests and episodes for the console's tables."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Select, TypeDecorator, func, or_, select
from sqlalchemy.types import TypeEngine
from sqlmodel import Session

from .clock import iso_utc
from .models import Episode, MediaRequest, RequestStatus, User


@dataclass(frozen=True)
class Listing:
    columns: dict[str, Any]  # public name -> column expression, in display order
    searchable: tuple[str, ...]
    base: Select
    default_sort: str = "id"
    kept: ColumnElement[bool] | None = None  # what is not removed (shown unless removed ones are asked for)
    details: tuple[str, ...] = ()  # columns sent with each row for its cells, not shown as columns

    @property
    def instants(self) -> tuple[str, ...]:
        """Columns that hold a moment in time (sent as UTC ISO-8601, shown in the viewer's zone)."""
        return tuple(name for name, column in self.columns.items() if _is_instant(column.type))

    def query(self, search: str, hidden: tuple[str, ...] = (), removed: bool = False) -> Select:
        """The rows matching ``search``; ``hidden`` columns (that the viewer may not see) are not searched;
        removed rows only if asked for."""
        query = self.base
        if self.kept is not None and not removed:
            query = query.where(self.kept)
        columns = [name for name in self.searchable if name not in hidden]
        if search.strip() and columns:
            pattern = f"%{escape_like(search.strip())}%"
            query = query.where(or_(*(self.columns[name].ilike(pattern, escape="\\") for name in columns)))
        return query


def _is_instant(kind: TypeEngine) -> bool:
    return isinstance(kind.impl if isinstance(kind, TypeDecorator) else kind, DateTime)


def escape_like(text: str) -> str:
    """``text`` matched literally by LIKE: its own %, _ and \\ are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


LISTINGS: dict[str, Listing] = {
    "users": Listing(
        columns={
            "id": User.id,
            "username": User.username,
            "email": User.email,
            "jellyseerr_id": User.jellyseerr_id,
            "created_at": User.created_at,
            "removed_at": User.removed_at,
            "upstream_email": User.upstream_email,
        },
        searchable=("username", "email"),
        base=select(
            User.id,
            User.username,
            User.email,
            User.jellyseerr_id,
            User.created_at,
            User.removed_at,
            User.upstream_email,
        ),
        kept=User.removed_at.is_(None),  # type: ignore[union-attr]
        details=("upstream_email",),
    ),
    "requests": Listing(
        columns={
            "id": MediaRequest.id,
            "title": MediaRequest.title,
            "media_type": MediaRequest.media_type,
            "status": MediaRequest.status,
            "requester": User.username,
            "tmdb_id": MediaRequest.tmdb_id,
            "created_at": MediaRequest.created_at,
        },
        searchable=("title", "requester", "status"),
        kept=MediaRequest.status != RequestStatus.REMOVED,
        base=select(
            MediaRequest.id,
            MediaRequest.title,
            MediaRequest.media_type,
            MediaRequest.status,
            User.username.label("requester"),
            MediaRequest.tmdb_id,
            MediaRequest.created_at,
        ).join(User, User.id == MediaRequest.requester_id),
    ),
    "episodes": Listing(
        columns={
            "id": Episode.id,
            "show_title": Episode.show_title,
            "season": Episode.season,
            "number": Episode.number,
            "title": Episode.title,
            "air_date": Episode.air_date,
            "created_at": Episode.created_at,
        },
        searchable=("show_title", "title"),
        base=select(
            Episode.id,
            Episode.show_title,
            Episode.season,
            Episode.number,
            Episode.title,
            Episode.air_date,
            Episode.created_at,
        ),
    ),
}


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int


def page_of(
    session: Session,
    listing: str,
    *,
    search: str = "",
    sort_by: str | None = None,
    descending: bool = True,
    page: int = 1,
    per_page: int = 25,
    hidden: tuple[str, ...] = (),
    removed: bool = False,
) -> Page:
    """One page of a listing; raises ValueError for a listing or sort column that does not exist.

    ``hidden`` columns are neither searched nor sorted by (their order would tell what they hold);
    users and requests gone from Jellyseerr are left out unless ``removed``."""
    if listing not in LISTINGS:
        raise ValueError(f"no listing {listing!r}: choose from {', '.join(LISTINGS)}")
    spec = LISTINGS[listing]
    sort_name = spec.default_sort if not sort_by or sort_by in hidden else sort_by
    if sort_name not in spec.columns:
        raise ValueError(f"cannot sort {listing} by {sort_name!r}: choose from {', '.join(spec.columns)}")
    if page < 1 or not 1 <= per_page <= 500:
        raise ValueError("page must be at least 1 and per_page between 1 and 500")
    column: ColumnElement = spec.columns[sort_name]
    order = [column.desc() if descending else column.asc(), spec.columns["id"].desc()]
    query = spec.query(search, hidden, removed)
    connection = session.connection()
    total = connection.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    result = connection.execute(query.order_by(*order).limit(per_page).offset((page - 1) * per_page))
    rows = [{name: _plain(value) for name, value in zip(spec.columns, row, strict=True)} for row in result]
    return Page(rows, total)


def _plain(value: Any) -> Any:
    """Values a browser table can show; a moment as UTC ISO-8601, which the browser shows locally."""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
