"""`flask portal ...`: create users, send mail, load demo data."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

from portal.extensions import db


def register(app: Flask) -> None:
    group = AppGroup("portal", help="Recruitment portal commands.")

    @group.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", "full_name", required=True)
    @click.option("--role", type=click.Choice(["staff", "staff_manager", "admin"]),
                  default="staff", show_default=True)
    @click.option("--password", default=None,
                  help="Set a password now. Without it, a welcome mail with a link to "
                       "choose one is sent.")
    @click.option("--locale", type=click.Choice(["sv", "en", "da"]), default="sv")
    def create_user(email, full_name, role, password, locale):
        """Create a staff, staff manager or admin account."""
        from portal.accounts import services
        from portal.accounts.enums import Role
        from portal.core.errors import DomainError
        from portal.core.mail import deliver

        try:
            user = services.create_staff(email=email, full_name=full_name, role=Role(role),
                                         actor=None, password=password, locale=locale)
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc.message)) from exc
        db.session.commit()
        deliver()
        click.echo(f"Created {user.role} account {user.email} (id {user.id}).")

    @group.command("send-mail")
    @click.option("--loop", is_flag=True, help="Keep running, sending every --interval seconds.")
    @click.option("--interval", default=30, show_default=True)
    @click.option("--requeue-failed", is_flag=True,
                  help="Give messages that used up their attempts a new round first.")
    def send_mail(loop, interval, requeue_failed):
        """Send what is due in the mail outbox (retries with backoff)."""
        from portal.core.mail import deliver
        from portal.core.mail import requeue_failed as requeue

        if requeue_failed:
            click.echo(f"Requeued {requeue()} failed messages.")
        while True:
            counts = deliver()
            click.echo(f"sent {counts['sent']}, failed {counts['failed']}, "
                       f"held {counts['held']}")
            if not loop:
                break
            time.sleep(interval)

    @group.command("demo-data")
    def demo_data():
        """Load demo organisations and accounts (idempotent)."""
        from portal.core.demo import load

        for line in load():
            click.echo(line)

    @group.command("expire-offers")
    def expire_offers():
        """Let course offers past their reply-by date lapse and offer the seats on."""
        from portal.training.enrolment import expire_offers as run

        lapsed = run()
        db.session.commit()
        click.echo(f"{lapsed} offer(s) lapsed")

    app.cli.add_command(group)
