"""Test helpers shared by the unit, integration and browser tests."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
import re
import socket
import uuid
from dataclasses import dataclass, field
from html import unescape

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PASSWORD = "Grön-hiss-snickar-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_config(database_url: str, smtp_port: int, instance_path, **extra) -> dict:
    """Settings shared by the test app and the browser tests' live server."""
    config = {
        "PORTAL_ENV": "test",
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance_path),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_TIMEOUT": 3,
        "PORTAL_BASE_URL": "http://localhost",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "REGISTER_RATE_LIMIT": "1000 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    config.update(extra)
    return config


# --- a real SMTP server --------------------------------------------------------

@dataclass
class SMTPSink:
    """An aiosmtpd server on a free port that keeps every message it receives."""

    port: int = field(default_factory=free_port)
    messages: list = field(default_factory=list)
    controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(msg)
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def clear(self) -> None:
        self.messages.clear()

    def to(self, address: str) -> list:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def last_to(self, address: str):
        found = self.to(address)
        assert found, f"no mail to {address}; got {[str(m['To']) for m in self.messages]}"
        return found[-1]


def mail_text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def mail_link(msg, path_part: str) -> str:
    """The first link in the mail's text body containing ``path_part``."""
    for url in re.findall(r"https?://\S+", mail_text(msg)):
        if path_part in url:
            return url.rstrip(".,)>")
    raise AssertionError(f"no link with {path_part!r} in:\n{mail_text(msg)}")


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# --- forms -----------------------------------------------------------------------

_INPUT = re.compile(r"<input[^>]*>", re.I)


def hidden_inputs(html: str) -> dict[str, str]:
    found = {}
    for tag in _INPUT.findall(html):
        if 'type="hidden"' not in tag:
            continue
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            found[name.group(1)] = unescape(value.group(1)) if value else ""
    return found


def submit(client, url: str, data: dict | None = None, *, get_url: str | None = None,
           **kwargs):
    """GET the page (for its CSRF token and other hidden fields), then POST the form."""
    page = client.get(get_url or url)
    fields = hidden_inputs(page.get_data(as_text=True))
    fields.update(data or {})
    return client.post(url, data=fields, **kwargs)


# --- databases ----------------------------------------------------------------------

@contextlib.contextmanager
def fresh_database(tmp_dir) -> str:
    """A database for this run only: a new PostgreSQL database when
    TEST_DATABASE_URL is set, else a SQLite file."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_dir}/test.db"
        return
    if server_url.startswith("postgresql://"):
        server_url = "postgresql+psycopg://" + server_url[len("postgresql://"):]
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_async(coro):
    return asyncio.get_event_loop().run_until_complete(coro)
