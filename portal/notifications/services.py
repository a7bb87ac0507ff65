"""Notifying staff: always in the portal, by mail as each user chooses.

Services flush, never commit. The views of other domains call ``notify``; the
list, the unread count and marking read are for this domain's views.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.enums import NotifyByMail
from portal.accounts.models import User
from portal.core.mail import queue_mail
from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.enums import NotificationKind
from portal.notifications.models import Notification
from portal.requests.models import ServiceRequest


def wants_mail(user: User) -> bool:
    """Whether the user also wants a mail for each notification."""
    return user.notify_by_mail != NotifyByMail.NONE


def notify(user: User, kind: NotificationKind, *, about: ServiceRequest | None = None,
           actor: User | None = None, mail: str | None = None,
           **mail_context) -> Notification:
    """Tell ``user`` in the portal, and by the mail template ``mail`` if they want mail.

    The mail is queued in the outbox with the change that caused it (about the
    request, so the request's page lists it), in the user's language; its
    template gets ``user`` and ``actor`` besides ``mail_context``.
    """
    note = Notification(user_id=user.id, kind=kind, actor_id=actor.id if actor else None,
                        request_id=about.id if about is not None else None,
                        created_at=utcnow())
    db.session.add(note)
    if mail and wants_mail(user):
        queue_mail(mail, user.email, user.locale, related=about, user=user, actor=actor,
                   **mail_context)
    db.session.flush()
    return note


def _mine(user: User):
    return select(Notification).where(Notification.user_id == user.id)


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def for_user(user: User, *, page: int = 1, per_page: int = 25):
    """The user's notifications, newest first, with what each row shows loaded."""
    query = (_mine(user)
             .options(selectinload(Notification.request).joinedload(
                 ServiceRequest.organisation), joinedload(Notification.actor))
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_own(user: User, notification_id: int) -> Notification | None:
    """The notification if it is the user's; None otherwise (someone else's: not found)."""
    return db.session.scalar(_mine(user).where(Notification.id == notification_id))


def mark_read(note: Notification) -> bool:
    """Returns whether it was unread."""
    if note.read_at is not None:
        return False
    note.read_at = utcnow()
    db.session.flush()
    return True


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user.id,
                                   Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount


def mark_request_read(user: User, req: ServiceRequest) -> int:
    """The user has opened the request: what told them about it is read."""
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user.id,
                                   Notification.request_id == req.id,
                                   Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount
