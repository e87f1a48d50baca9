"""Small named values the application keeps in the database (the ``meta`` table): a generated secret,
the demo's mark."""

from sqlmodel import Session

from .models import Meta
from .upsert import upsert


def get(session: Session, key: str) -> str | None:
    row = session.get(Meta, key)
    return row.value if row else None


def put(session: Session, key: str, value: str) -> None:
    upsert(session, Meta.__table__, {"key": key, "value": value}, keys=("key",))  # type: ignore[attr-defined]


def once(session: Session, key: str, value: str) -> str:
    """Keep ``value`` under ``key`` unless a value is there already (another process may have just put
    one); the value kept."""
    table = Meta.__table__  # type: ignore[attr-defined]
    upsert(session, table, {"key": key, "value": value}, keys=("key",), insert_only=("value",))
    return get(session, key) or value
