"""Mail is written to the outbox with the change and sent after commit; a
down SMTP server loses nothing and sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.core.mail import deliver
from portal.core.models import OutboxMessage, OutboxStatus, utcnow
from portal.extensions import db
from tests import factories
from tests.employers.test_registration import registration
from tests.support import SMTPSink, mail_text, submit


def test_smtp_down_keeps_mail_then_sends_exactly_once(app, client, smtp):
    smtp.stop()
    try:
        response = submit(client, "/register", registration(email="nere@example.se"))
        assert response.status_code == 302  # the registration itself succeeded
        kept = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.recipient == "nere@example.se"))
        assert kept.status == OutboxStatus.PENDING and kept.attempts == 1
        assert kept.last_error and kept.next_attempt_at > utcnow()
    finally:
        smtp.start()
    assert smtp.to("nere@example.se") == []
    # Not yet due: a drain now sends nothing.
    assert deliver()["sent"] == 0
    kept.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "send-mail"])
    assert "sent 1" in result.output, result.output
    assert deliver()["sent"] == 0  # and never again
    received = smtp.to("nere@example.se")
    assert len(received) == 1
    assert "/confirm/" in mail_text(received[0])
    db.session.expire_all()
    assert db.session.get(OutboxMessage, kept.id).status == OutboxStatus.SENT


def test_rolled_back_change_sends_no_mail(client, smtp):
    response = submit(client, "/register", registration(password="kort", password_repeat="kort",
                                                        email="ingen@example.se"))
    assert response.status_code == 422
    assert smtp.to("ingen@example.se") == []
    assert db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == "ingen@example.se")) is None


def test_mail_is_in_the_recipients_language(client, smtp):
    submit(client, "/register", registration(email="dansk@example.dk", locale="da"))
    message = smtp.last_to("dansk@example.dk")
    assert message["Content-Language"] == "da"
    assert "Bekræft" in message["Subject"] or "bekræft" in mail_text(message)
    assert message.get_body(preferencelist=("html",)) is not None


def test_gives_up_after_max_attempts_and_requeue(app, smtp):
    dead = SMTPSink()  # a port where nothing listens
    app.config["MAIL_PORT"] = dead.port
    try:
        from portal.core.mail import queue_mail

        user = factories.make_user("staff")
        msg = queue_mail("password_changed", user.email, "sv", user=user)
        msg.attempts = app.config["MAIL_MAX_ATTEMPTS"] - 1
        db.session.commit()
        deliver([msg.id])
        db.session.expire_all()
        assert db.session.get(OutboxMessage, msg.id).status == OutboxStatus.FAILED
    finally:
        app.config["MAIL_PORT"] = smtp.port
    result = app.test_cli_runner().invoke(args=["portal", "send-mail", "--requeue-failed"])
    assert "Requeued 1" in result.output
    assert smtp.to(user.email)
