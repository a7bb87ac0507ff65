"""Site-wide behaviour: headers, error pages, languages, configuration."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import ConfigError
from tests.support import hidden_inputs


def test_security_headers_on_every_response(client):
    for url in ["/", "/login", "/does-not-exist", "/static/css/portal.css"]:
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # only in production


def test_session_cookie_flags(app, client):
    client.get("/login")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie.http_only and cookie.same_site == "Lax"


def test_production_requires_secret_and_database(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError):
        create_app({"PORTAL_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    prod = create_app({"PORTAL_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert prod.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    response = prod.test_client().get("/healthz", base_url="https://portal.example")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"PORTAL_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    second = create_app({"PORTAL_ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(("code", "word"), [("sv", "Logga in"), ("en", "Log in"),
                                            ("da", "Log ind")])
def test_language_switch(client, code, word):
    response = client.get(f"/language/{code}?next=/login", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert f'<html lang="{code}">' in body
    assert word in body


def test_language_switch_ignores_foreign_next(client):
    response = client.get("/language/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_friendly_404_and_csrf_pages(client):
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and "<h1>" in missing.get_data(as_text=True)
    no_token = client.post("/login", data={"email": "a@example.se", "password": "x"})
    assert no_token.status_code == 400
    assert "<h1>" in no_token.get_data(as_text=True)


def test_oversized_body_gets_413(client):
    token = hidden_inputs(client.get("/login").get_data(as_text=True))["csrf_token"]
    response = client.post("/login", data={"csrf_token": token, "email": "x" * 2_000_000})
    assert response.status_code == 413
    assert "<h1>" in response.get_data(as_text=True)


def test_htmx_is_served_with_csrf_header_on_body(client):
    body = client.get("/login").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in body
    assert '"allowEval":false' in body
    assert client.get("/static/js/htmx.min.js").status_code == 200


def test_a_refused_form_does_not_keep_its_submission_key(app):
    """The key is claimed in a savepoint before the record is made; when the service then
    refuses (and the request rolls back), the key must go too, or the corrected form would
    be sent to the first result. On SQLite this needs SQLAlchemy, not pysqlite, to begin
    transactions (portal._sqlite_transactions)."""
    from portal.core import idempotency
    from portal.core.models import SubmissionKey
    from portal.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        from sqlalchemy.orm import Session

        with Session(bind=connection) as session:
            session.begin()
            with session.begin_nested():
                session.add(SubmissionKey(key="k" * 20))
            session.rollback()
            assert session.get(SubmissionKey, "k" * 20) is None
    assert idempotency.new_key() != idempotency.new_key()
