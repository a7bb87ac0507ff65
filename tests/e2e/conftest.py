"""Browser tests: the portal served on a real port, driven by Debian's Chromium.

The live server has its own app and its own database (a fresh SQLite file, or
a new PostgreSQL database when TEST_DATABASE_URL is set), migrated with
Alembic and committed for real: the root conftest's per-test transaction does
not apply to tests with the ``e2e`` keyword. Tests therefore use unique
e-mail addresses and organisation numbers and never depend on each other.

Every test gets a ``page`` that fails the test at teardown on a console
error, an uncaught page error or a Content-Security-Policy violation, and a
``ui`` helper whose navigation runs axe-core on every page it lands on.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db
from tests.e2e.helpers import UI, ConsoleWatch, check_a11y
from tests.support import PASSWORD, app_config, fresh_database

__all__ = ["check_a11y"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# --- the browser --------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test installs it)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-base-url's fixture, pointed at the live server (used for new contexts)."""
    return live_server.url


# --- the live server ------------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    app: Flask

    def create_staff(self, *, email: str, full_name: str, role: str = "staff",
                     locale: str = "sv") -> int:
        """A confirmed staff account with the shared test PASSWORD; returns its id."""
        from portal.accounts import services
        from portal.accounts.enums import Role

        with self.app.app_context():
            user = services.create_staff(email=email, full_name=full_name, role=Role(role),
                                         actor=None, password=PASSWORD, locale=locale)
            db.session.commit()
            user_id = user.id
            db.session.remove()
        return user_id

    def create_employer(self, *, email: str, full_name: str, org_name: str,
                        org_number: str, locale: str = "sv") -> int:
        """A confirmed employer user who administers a new organisation; returns the user id."""
        from portal.accounts import services as accounts
        from portal.employers import services as employers

        with self.app.app_context():
            _org, user = employers.register_organisation(
                country="SE", org_number=org_number,
                profile={"name": org_name, "municipality": "Osby", "city": "Osby",
                         "street_address": "Storgatan 1", "postal_code": "28331",
                         "size_band": "1-9", "phone": "", "website": "", "description": ""},
                sectors=["retail"],
                user=employers.NewUser(email=email, full_name=full_name, password=PASSWORD,
                                       locale=locale),
            )
            accounts.confirm_email_directly(user)
            db.session.commit()
            user_id = user.id
            db.session.remove()
        return user_id


@pytest.fixture(scope="session")
def live_server(smtp, tmp_path_factory):
    with fresh_database(tmp_path_factory.mktemp("e2e-db")) as database_url:
        app = create_app(app_config(database_url, smtp.port,
                                     tmp_path_factory.mktemp("e2e-instance"),
                                     SECRET_KEY="e2e-secret-key", WTF_CSRF_SSL_STRICT=False))
        with app.app_context():
            upgrade()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["PORTAL_BASE_URL"] = url
        thread = threading.Thread(target=server.serve_forever, name="e2e-live-server",
                                  daemon=True)
        thread.start()
        try:
            yield LiveServer(url=url, app=app)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.engine.dispose()


# --- pages ---------------------------------------------------------------------------

@pytest.fixture
def console_watch():
    return ConsoleWatch()


@pytest.fixture
def page(context, console_watch):
    """pytest-playwright's page, watched: console errors, page errors and CSP
    violations fail the test at teardown."""
    context.set_default_timeout(10_000)
    page = context.new_page()
    console_watch.attach(page)
    yield page
    page.close()
    console_watch.assert_clean()


@pytest.fixture
def ui(page, live_server, smtp, console_watch):
    return UI(page, live_server.url, smtp, console_watch)
