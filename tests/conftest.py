"""The harness: app and schema once per session, a rolled-back transaction per test.

Tests run on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set
(the run creates its own database there and drops it after). Mail goes to a
real SMTP server (aiosmtpd) on a free port.
"""

from __future__ import annotations

import contextvars
import os

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from hypothesis import settings

from portal import create_app
from portal.extensions import db, limiter
from tests import factories
from tests.support import PASSWORD, SMTPSink, app_config, fresh_database, submit

# Locally, property tests draw new examples every run, to find new bugs; in CI
# (CI=1) the draw is fixed, so a run that landed green stays reproducible.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


class BoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks the engine per table; in tests every
    session must use the one connection that holds the test's transaction."""

    def get_bind(self, *args, **kwargs):
        return self.bind


class IsolatedClient(FlaskClient):
    """Each request gets its own app context and so its own database session,
    as in production, even while the test holds an app context of its own."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def smtp():
    sink = SMTPSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url, smtp, tmp_path_factory):
    # Each test's data lives in a transaction on one connection that is rolled back:
    # the dashboard's second connection would not see it (tests/reports/
    # test_concurrent.py checks that path on committed data, and the browser tests'
    # live server uses it).
    app = create_app(app_config(database_url, smtp.port,
                                 tmp_path_factory.mktemp("instance"),
                                 REPORT_CONCURRENT=False))
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(autouse=True)
def _transaction(request, app, smtp):
    """Run each test inside a transaction that is rolled back at the end."""
    if "e2e" in request.keywords or "committed" in request.keywords:
        yield
        return
    ctx = app.app_context()
    ctx.push()
    connection = db.engine.connect()
    transaction = connection.begin()
    original = db.session
    db.session = db._make_scoped_session(
        {"bind": connection, "join_transaction_mode": "create_savepoint",
         "class_": BoundSession}
    )
    limiter.reset()
    smtp.clear()
    try:
        yield
    finally:
        db.session.remove()
        db.session = original
        transaction.rollback()
        connection.close()
        ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(app):
    """login_as(user) or login_as("staff"|"admin"|"staff_manager"|"employer") -> client."""

    def _login(who, client=None):
        user = factories.make_user(role=who) if isinstance(who, str) else who
        client = client or app.test_client()
        response = submit(client, "/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        client.user = user
        return client

    return _login
