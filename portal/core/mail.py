"""The mail outbox: queue in the caller's transaction, deliver after commit.

``queue_mail`` renders a message in the recipient's language and adds it to
the session; nothing leaves the machine until the surrounding transaction has
committed. ``deliver_due`` claims due messages one at a time (so two senders
never send the same one), sends them over SMTP, and on failure schedules a
retry with exponential backoff. Without MAIL_SERVER, messages are held in the
outbox and can be read at /dev/mail.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

import flask_mail
from flask import current_app, g, render_template
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from portal.core.models import OutboxMessage, OutboxStatus, utcnow
from portal.extensions import db, mail

log = logging.getLogger(__name__)

# A claimed message whose sender died is retried after this long.
STALE_CLAIM = timedelta(minutes=15)


def queue_mail(template: str, recipient: str, locale: str = "sv", *, related=None,
               **context) -> OutboxMessage:
    """Render ``templates/emails/<template>.{subject.txt,txt,html}`` and queue it.

    ``related`` is the record the mail is about, so its page can list the mail.
    """
    if locale not in current_app.config["PORTAL_LANGUAGES"]:
        locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    context.setdefault("portal_name", current_app.config["PORTAL_NAME"])
    with force_locale(locale):
        subject = render_template(f"emails/{template}.subject.txt", **context)
        text = render_template(f"emails/{template}.txt", **context)
        html = render_template(f"emails/{template}.html", **context)
    msg = OutboxMessage(
        template=template,
        recipient=recipient,
        locale=locale,
        subject=" ".join(subject.split())[:300],
        body_text=text,
        body_html=html,
        status=OutboxStatus.PENDING,
        next_attempt_at=utcnow(),
        related_type=related.__tablename__ if related is not None else None,
        related_id=related.id if related is not None else None,
    )
    db.session.add(msg)
    db.session.flush()
    g.setdefault("outbox_ids", []).append(msg.id)
    return msg


class _Connection(flask_mail.Connection):
    """Flask-Mail's connection, with a timeout so a hung server cannot hang us."""

    def configure_host(self):
        timeout = current_app.config["MAIL_TIMEOUT"]
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, timeout=timeout)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def _claim(message_id: int) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            or_(
                OutboxMessage.status == OutboxStatus.PENDING,
                (OutboxMessage.status == OutboxStatus.SENDING)
                & (OutboxMessage.next_attempt_at <= now - STALE_CLAIM),
            ),
        )
        .values(status=OutboxStatus.SENDING, next_attempt_at=now,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _send_one(msg: OutboxMessage) -> None:
    message = flask_mail.Message(
        subject=msg.subject,
        recipients=[msg.recipient],
        body=msg.body_text,
        html=msg.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers={"Content-Language": msg.locale},
    )
    # Built from the current config each time, so settings can change at run time.
    with _Connection(mail.init_mail(current_app.config)) as conn:
        conn.send(message)


def deliver(ids: list[int] | None = None, limit: int = 200) -> dict[str, int]:
    """Send due messages (or just ``ids``); commit each outcome on its own."""
    counts = {"sent": 0, "failed": 0, "held": 0}
    if not current_app.config.get("MAIL_SERVER"):
        # No SMTP: keep the messages, readable at /dev/mail.
        query = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
        if ids is not None:
            query = query.where(OutboxMessage.id.in_(ids))
        result = db.session.execute(query.values(status=OutboxStatus.HELD)
                                    .execution_options(synchronize_session=False))
        db.session.commit()
        counts["held"] = result.rowcount
        return counts
    now = utcnow()
    query = select(OutboxMessage.id).where(
        or_(
            (OutboxMessage.status == OutboxStatus.PENDING)
            & (OutboxMessage.next_attempt_at <= now),
            (OutboxMessage.status == OutboxStatus.SENDING)
            & (OutboxMessage.next_attempt_at <= now - STALE_CLAIM),
        )
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    due = db.session.scalars(query.order_by(OutboxMessage.id).limit(limit)).all()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    for message_id in due:
        if not _claim(message_id):
            continue
        msg = db.session.get(OutboxMessage, message_id, populate_existing=True)
        try:
            _send_one(msg)
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            msg.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if msg.attempts >= max_attempts:
                msg.status = OutboxStatus.FAILED
            else:
                msg.status = OutboxStatus.PENDING
                msg.next_attempt_at = utcnow() + _backoff(msg.attempts)
            counts["failed"] += 1
            log.warning("mail %s to %s not sent: %s", msg.id, msg.recipient, msg.last_error)
        else:
            msg.status = OutboxStatus.SENT
            msg.sent_at = utcnow()
            msg.last_error = None
            counts["sent"] += 1
        db.session.commit()
    return counts


def deliver_after_commit() -> None:
    """Called once the request's transaction has committed."""
    ids = g.pop("outbox_ids", None)
    if not ids or not current_app.config["MAIL_SEND_AFTER_REQUEST"]:
        return
    try:
        deliver(ids)
    except Exception:  # the outbox keeps them; `flask portal send-mail` retries
        db.session.rollback()
        log.exception("delivering mail after commit failed; it stays in the outbox")


def requeue_failed() -> int:
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount
