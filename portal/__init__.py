"""The recruitment portal: an application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g, session
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from portal.config import load_config
from portal.extensions import babel, csrf, db, htmx, limiter, login_manager, mail, migrate

ROOT = Path(__file__).resolve().parent.parent


class BoundedIntConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(overrides: dict | None = None) -> Flask:
    config = load_config(overrides)
    app = Flask(
        __name__,
        instance_path=config["INSTANCE_PATH"],
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(config)
    # Ids beyond a 32-bit integer cannot exist: answer 404, not a database error.
    app.url_map.converters["int"] = BoundedIntConverter
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_extensions(app)
    _register_blueprints(app)
    _register_request_hooks(app)

    from portal.core import cli, errorpages, templating

    errorpages.register(app)
    templating.register(app)
    cli.register(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def _sqlite_transactions(engine) -> None:
    """Let SQLAlchemy, not pysqlite, begin SQLite's transactions.

    pysqlite opens no transaction before a SAVEPOINT, so releasing one (a nested
    transaction, e.g. claiming a form's submission key) committed at once, and a
    later rollback of the request (a refused form) could not undo it. With the
    driver's own handling off and an explicit BEGIN, savepoints nest as they do on
    PostgreSQL. (SQLAlchemy's documented recipe for SQLite.)
    """
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


def _select_locale() -> str:
    from flask import current_app, has_request_context

    languages = current_app.config["PORTAL_LANGUAGES"]
    if not has_request_context():  # the CLI, the mail worker: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_transactions(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    mail.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=_select_locale,
                   default_translation_directories=str(ROOT / "portal" / "translations"))
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Log in to see that page.")
    login_manager.login_message_category = "info"

    from portal.accounts import services as accounts

    # Flask-Login keeps a server-side session id in the cookie; see User.get_id.
    login_manager.user_loader(accounts.load_session)

    # Import the models so that metadata (and Alembic) know every table.
    import portal.accounts.models
    import portal.analyses.models
    import portal.core.models
    import portal.employers.models
    import portal.events.models
    import portal.mentor_training.models
    import portal.notifications.models
    import portal.participants.models
    import portal.placements.models
    import portal.requests.models
    import portal.supervisors.models
    import portal.training.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.admin_views import bp as staff_admin_bp
    from portal.accounts.views import bp as accounts_bp
    from portal.analyses.views import bp as analyses_bp
    from portal.core.views import bp as core_bp
    from portal.employers.need_views import bp as needs_bp
    from portal.employers.views import bp as employers_bp
    from portal.events.views import bp as events_bp
    from portal.mentor_training.views import bp as mentor_training_bp
    from portal.notifications.views import bp as notifications_bp
    from portal.participants.admin_views import bp as screening_admin_bp
    from portal.participants.views import bp as participants_bp
    from portal.placements.views import bp as placements_bp
    from portal.reports.views import bp as reports_bp
    from portal.requests.staff_views import bp as staff_requests_bp
    from portal.requests.views import bp as requests_bp
    from portal.supervisors.views import bp as supervisors_bp
    from portal.training.views import bp as training_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(employers_bp)
    app.register_blueprint(staff_admin_bp)
    app.register_blueprint(needs_bp)
    app.register_blueprint(requests_bp)
    app.register_blueprint(staff_requests_bp)
    app.register_blueprint(analyses_bp)
    app.register_blueprint(training_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(mentor_training_bp)
    app.register_blueprint(participants_bp)
    app.register_blueprint(screening_admin_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(placements_bp)
    app.register_blueprint(supervisors_bp)
    app.register_blueprint(reports_bp)


def _register_request_hooks(app: Flask) -> None:
    from portal.core.mail import deliver_after_commit
    from portal.core.security import set_security_headers

    @app.after_request
    def commit_or_roll_back(response):
        # One transaction per request: commit what a successful view did;
        # any error status (a form with errors included) discards it, and
        # the mail it queued with it.
        if response.status_code < 400 and not g.get("rollback"):
            db.session.commit()
            g.mail_due = True
        else:
            db.session.rollback()
            g.pop("outbox_ids", None)
        return response

    @app.teardown_request
    def send_mail_after_commit(exc):
        if exc is None and g.pop("mail_due", False):
            deliver_after_commit()

    app.after_request(set_security_headers)

    @app.before_request
    def keep_session_permanent():
        # The cookie lives PERMANENT_SESSION_LIFETIME; the server enforces it too.
        session.permanent = True
