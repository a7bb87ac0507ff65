from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.enums import STAFF_ROLES, NotifyByMail, Role
from portal.core.models import TimestampMixin, TZDateTime, utcnow
from portal.extensions import db


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index makes e-mail unique case-insensitively.
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    full_name: Mapped[str] = mapped_column(String(120), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), nullable=False, default=Role.EMPLOYER,
                                      index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    locale: Mapped[str] = mapped_column(String(5), nullable=False, default="sv")
    last_login_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    # Staff: notifications by mail too ("each") or only in the portal ("none").
    notify_by_mail: Mapped[str] = mapped_column(String(10), nullable=False,
                                                default=NotifyByMail.EACH,
                                                server_default=NotifyByMail.EACH.value)

    memberships = relationship("Membership", back_populates="user",
                               foreign_keys="Membership.user_id", lazy="selectin")

    # Set by the user loader: the server-side session this request runs under.
    auth_session = None  # type: AuthSession | None

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff_manager(self) -> bool:
        return self.role in {Role.STAFF_MANAGER, Role.ADMIN}

    @property
    def is_supervisor_account(self) -> bool:
        """An account made only for supervising; it has no employer pages."""
        return self.role == Role.SUPERVISOR

    @property
    def supervisor(self):
        """The approved supervisor profile this account logs in to, else None.

        An employer user (or staff member) who is also a supervisor keeps their
        account; approval links the profile to it.
        """
        profile = getattr(self, "supervisor_profile", None)
        return profile if profile is not None and profile.is_approved else None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def get_id(self) -> str:
        # The session cookie names a server-side session, not the user, so
        # logging out (revoking that row) makes a copied cookie worthless.
        if self.auth_session is None:
            raise RuntimeError("user has no server-side session")
        return self.auth_session.id

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class AuthSession(db.Model):
    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(lazy="joined")
