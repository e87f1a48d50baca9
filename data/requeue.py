"""An operator's second try: ``failed`` notifications put back to ``pending`` with no attempts and no
backoff, as if new, so the outbox's next round sends them; nothing else is touched.
"""

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from .batches import on_channel
from .models import Notification, NotificationStatus


class NotRetryable(Exception):
    """One notification asked to be retried is not ``failed`` (``status``) or does not exist (None)."""

    def __init__(self, notification_id: int, status: str | None) -> None:
        self.notification_id = notification_id
        self.status = status
        if status is None:
            message = f"there is no notification {notification_id}"
        else:
            message = f"notification {notification_id} is {status}, not failed: only failed ones are retried"
        super().__init__(message)


def retry_failed(session: Session, notification_id: int | None = None, *, email: bool = True) -> int:
    """Every failed notification (or only ``notification_id``) back to ``pending``, attempts and backoff
    reset, so the mailer's next round sends it; how many moved. ``last_error`` stays until it is sent.

    ``email=False`` leaves failed e-mails alone (there is no mail server to send them). A given
    notification that is not failed raises :class:`NotRetryable` and nothing changes."""
    retrying = (
        update(Notification)
        .where(col(Notification.status) == NotificationStatus.FAILED)
        .values(
            status=NotificationStatus.PENDING,
            attempts=0,
            next_attempt_at=None,
            claimed_at=None,
            claimed_by=None,
        )
    )
    if notification_id is not None:
        retrying = retrying.where(col(Notification.id) == notification_id)
    if not email:
        retrying = retrying.where(col(Notification.channel_id).is_not(None))
    moved = session.execute(retrying).rowcount
    if notification_id is not None and moved == 0:
        status = session.exec(
            select(Notification.status).where(col(Notification.id) == notification_id)
        ).first()
        raise NotRetryable(notification_id, status)
    return moved


def failed_emails(session: Session) -> int:
    """How many e-mail items are ``failed``."""
    failed = (Notification.status == NotificationStatus.FAILED) & on_channel(None)
    return session.exec(select(func.count()).select_from(Notification).where(failed)).one()
