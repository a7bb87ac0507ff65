"""Accounts: creating users, logging in and out, confirmation, passwords, staff admin.

Services flush and never commit; the request wrapper commits.
"""

from __future__ import annotations

import secrets

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from portal.accounts import passwords, tokens
from portal.accounts.enums import STAFF_ROLES, NotifyByMail, Role
from portal.accounts.models import AuthSession, User
from portal.core import audit
from portal.core.errors import DomainError
from portal.core.mail import queue_mail
from portal.core.models import utcnow
from portal.extensions import db


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def get_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def check_new_password(password: str, email: str = "", full_name: str = "") -> None:
    found = passwords.problems(password, user_inputs=[email, *full_name.split(), "portal"])
    if found:
        raise DomainError(found[0], field="password")


def create_user(*, email: str, full_name: str, password: str | None, role: Role = Role.EMPLOYER,
                locale: str = "sv", confirmed: bool = False, actor: User | None = None) -> User:
    email = normalize_email(email)
    if get_by_email(email) is not None:
        raise DomainError(_("An account with this e-mail address already exists."),
                          field="email")
    if password is not None:
        check_new_password(password, email, full_name)
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=passwords.hash_password(password) if password else None,
        role=role,
        locale=locale if locale in current_app.config["PORTAL_LANGUAGES"] else "sv",
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, actor=actor or user,
                 changes={"email": email, "role": str(role)})
    return user


# --- sessions ---------------------------------------------------------------

def start_session(user: User, user_agent: str | None = None) -> AuthSession:
    agent = "".join(c for c in (user_agent or "")[:200] if c.isprintable())
    session_row = AuthSession(id=secrets.token_urlsafe(32), user_id=user.id, user_agent=agent)
    db.session.add(session_row)
    user.auth_session = session_row
    user.last_login_at = utcnow()
    db.session.flush()
    return session_row


def load_session(session_id: str) -> User | None:
    if not session_id or len(session_id) > 64:
        return None
    row = db.session.get(AuthSession, session_id)
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    # The server, not only the cookie, decides when a session has expired.
    if row.created_at + current_app.config["PERMANENT_SESSION_LIFETIME"] < utcnow():
        return None
    row.user.auth_session = row
    return row.user


def end_session(session_row: AuthSession | None) -> None:
    if session_row is not None and session_row.revoked_at is None:
        session_row.revoked_at = utcnow()
        db.session.flush()


def end_all_sessions(user: User, *, keep: AuthSession | None = None) -> int:
    query = update(AuthSession).where(AuthSession.user_id == user.id,
                                      AuthSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(AuthSession.id != keep.id)
    result = db.session.execute(query.values(revoked_at=utcnow())
                                .execution_options(synchronize_session=False))
    return result.rowcount


class LoginRefused(DomainError):
    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def authenticate(email: str, password: str) -> User:
    user = get_by_email(email)
    if user is None or not passwords.verify_password(user.password_hash, password):
        raise LoginRefused(_("Wrong e-mail address or password."), "credentials")
    if not user.active:
        raise LoginRefused(_("This account has been deactivated. Contact the labour-market "
                             "unit if you think this is wrong."), "inactive")
    if user.email_confirmed_at is None:
        raise LoginRefused(_("Confirm your e-mail address first: follow the link in the mail "
                             "we sent you."), "unconfirmed")
    return user


# --- confirmation and passwords ----------------------------------------------

def external_url(endpoint: str, **values) -> str:
    """An absolute link for mail, based on PORTAL_BASE_URL (also from the CLI)."""
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


def send_confirmation(user: User) -> None:
    token = tokens.make(tokens.CONFIRM, user)
    queue_mail("confirm_email", user.email, user.locale, user=user,
               link=external_url("accounts.confirm_email", token=token))


def confirm_email(token: str) -> User:
    user = tokens.load(tokens.CONFIRM, token)
    user.email_confirmed_at = utcnow()
    audit.record("user.email_confirmed", user, actor=user)
    db.session.flush()
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way."""
    user = get_by_email(email)
    if user is None or not user.active:
        return
    token = tokens.make(tokens.RESET, user)
    queue_mail("reset_password", user.email, user.locale, user=user,
               link=external_url("accounts.reset_password", token=token))


def reset_password(token: str, new_password: str) -> User:
    user = tokens.load(tokens.RESET, token)
    check_new_password(new_password, user.email, user.full_name)
    user.password_hash = passwords.hash_password(new_password)
    # Following the link proves the address, e.g. for staff invited by an admin.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    end_all_sessions(user)
    audit.record("user.password_reset", user, actor=user)
    queue_mail("password_changed", user.email, user.locale, user=user)
    db.session.flush()
    return user


def change_password(user: User, current: str, new_password: str) -> None:
    if not passwords.verify_password(user.password_hash, current):
        raise DomainError(_("The current password is wrong."), field="current_password")
    check_new_password(new_password, user.email, user.full_name)
    user.password_hash = passwords.hash_password(new_password)
    end_all_sessions(user, keep=user.auth_session)
    audit.record("user.password_changed", user, actor=user)
    queue_mail("password_changed", user.email, user.locale, user=user)
    db.session.flush()


def update_profile(user: User, *, full_name: str, locale: str,
                   notify_by_mail: str | None = None) -> None:
    """``notify_by_mail`` (staff only): None leaves the setting as it is."""
    values = {"full_name": full_name.strip(), "locale": locale}
    if notify_by_mail is not None:
        if not user.is_staff or notify_by_mail not in set(NotifyByMail):
            raise DomainError(_("Choose whether notifications also come by mail."),
                              field="notify_by_mail")
        values["notify_by_mail"] = notify_by_mail
    changes = audit.diff(user, values)
    if changes:
        audit.record("user.updated", user, actor=user, changes=changes)
        db.session.flush()


# --- staff accounts (admin) --------------------------------------------------

def create_staff(*, email: str, full_name: str, role: Role, actor: User | None,
                 password: str | None = None, locale: str = "sv") -> User:
    if role not in STAFF_ROLES:
        raise DomainError(_("Choose a staff role."), field="role")
    user = create_user(email=email, full_name=full_name, password=password, role=role,
                       locale=locale, confirmed=password is not None, actor=actor)
    if password is None:
        # The welcome link is a password-reset token: it sets the first password.
        token = tokens.make(tokens.RESET, user)
        queue_mail("staff_welcome", user.email, user.locale, user=user,
                   link=external_url("accounts.reset_password", token=token))
    return user


def _admins_left_without(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != user.id
        )
    )


def set_staff_role(user: User, role: Role, *, actor: User) -> None:
    if role not in STAFF_ROLES or not user.is_staff:
        raise DomainError(_("Choose a staff role."), field="role")
    if user.role == Role.ADMIN and role != Role.ADMIN and _admins_left_without(user) == 0:
        raise DomainError(_("The portal must keep at least one active administrator."),
                          field="role")
    changes = audit.diff(user, {"role": role})
    if changes:
        audit.record("user.role_changed", user, actor=actor, changes=changes)
        db.session.flush()


def set_active(user: User, active: bool, *, actor: User) -> None:
    if not active and user.id == actor.id:
        raise DomainError(_("You cannot deactivate your own account."), field="active")
    if not active and user.role == Role.ADMIN and _admins_left_without(user) == 0:
        raise DomainError(_("The portal must keep at least one active administrator."),
                          field="active")
    changes = audit.diff(user, {"active": active})
    if changes:
        if not active:
            end_all_sessions(user)
        audit.record("user.activated" if active else "user.deactivated", user, actor=actor,
                     changes=changes)
        db.session.flush()


def confirm_email_directly(user: User) -> None:
    """For demo data and staff-created accounts only: mark the address confirmed."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.flush()
