"""The admin's message templates, versioned: each save is a new row; the newest row of a kind and
locale is the one in force, and only the last :data:`KEPT` of each are kept. Each function takes the
caller's session."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from .models import MessageTemplate, User

KEPT = 10  # versions kept per kind and locale


@dataclass(frozen=True)
class Version:
    id: int
    kind: str
    locale: str
    source: str  # "": the built-in words
    author: str
    created_at: datetime


def save(session: Session, kind: str, locale: str, source: str, author: str, *, kept: int = KEPT) -> Version:
    """A new version in force; the oldest beyond ``kept`` are dropped."""
    row = MessageTemplate(kind=kind, locale=locale, source=source, author=author)
    session.add(row)
    session.flush()
    ids = select(MessageTemplate.id).where(MessageTemplate.kind == kind, MessageTemplate.locale == locale)
    old = session.exec(ids.order_by(col(MessageTemplate.id).desc()).offset(kept)).all()
    if old:
        session.execute(delete(MessageTemplate).where(col(MessageTemplate.id).in_(old)))
    return _version(row)


def versions(session: Session, kind: str, locale: str) -> list[Version]:
    """The kept versions, newest (the one in force) first."""
    rows = session.exec(_of(kind, locale).order_by(col(MessageTemplate.id).desc())).all()
    return [_version(row) for row in rows]


def find(session: Session, version_id: int) -> Version | None:
    row = session.get(MessageTemplate, version_id)
    return _version(row) if row is not None else None


def in_force(session: Session) -> dict[tuple[str, str], str]:
    """The source in force per (kind, locale), leaving out those back to the built-in words."""
    newest = select(func.max(MessageTemplate.id)).group_by(MessageTemplate.kind, MessageTemplate.locale)
    rows = session.exec(select(MessageTemplate).where(col(MessageTemplate.id).in_(newest))).all()
    return {(row.kind, row.locale): row.source for row in rows if row.source}


def people(session: Session, limit: int = 1000) -> list[tuple[int, str]]:
    """Whose next batch the Messages page may preview: (id, name) of every user not removed, by name."""
    rows = session.exec(
        select(User.id, User.username)
        .where(col(User.removed_at).is_(None))
        .order_by(User.username)
        .limit(limit)
    ).all()
    return [(user_id, name) for user_id, name in rows if user_id is not None]


def _of(kind: str, locale: str):
    return select(MessageTemplate).where(MessageTemplate.kind == kind, MessageTemplate.locale == locale)


def _version(row: MessageTemplate) -> Version:
    assert row.id is not None
    return Version(row.id, row.kind, row.locale, row.source, row.author, row.created_at)
