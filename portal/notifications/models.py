from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import TZDateTime, utcnow
from portal.extensions import db
from portal.notifications.enums import NotificationKind
from portal.requests.models import ServiceRequest

_KINDS = ", ".join(f"'{k.value}'" for k in NotificationKind)


class Notification(db.Model):
    """Something a staff member should know about: it links to what it is about.

    It keeps no message text: the request's page shows that to whoever may see it.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        # The header's unread count and the list: one user's rows, unread first.
        Index("ix_notifications_user_read", "user_id", "read_at"),
        CheckConstraint(f"kind IN ({_KINDS})", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    # Nullable for kinds to come that are about something other than a request.
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), nullable=False, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(TZDateTime())

    request: Mapped[ServiceRequest | None] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    @property
    def kind_enum(self) -> NotificationKind:
        return NotificationKind(self.kind)

    @property
    def unread(self) -> bool:
        return self.read_at is None
