"""Settings read from environment variables, with safe defaults.

PORTAL_ENV selects development (default), production or test. Production
refuses to start without an explicit SECRET_KEY and DATABASE_URL.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = ROOT / "instance"
# Password hashing (werkzeug method names): scrypt, and a cheap one for test runs.
HASH_METHOD = "scrypt"
TEST_HASH_METHOD = "pbkdf2:sha256:1000"


class ConfigError(RuntimeError):
    pass


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _secret_key(instance: Path, env: str) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env == "production":
        raise ConfigError("SECRET_KEY must be set when PORTAL_ENV=production")
    # Development: keep a generated key so sessions survive restarts.
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment (and overrides)."""
    overrides = dict(overrides or {})
    env = overrides.get("PORTAL_ENV") or os.environ.get("PORTAL_ENV", "development")
    if env not in {"development", "production", "test"}:
        raise ConfigError("PORTAL_ENV must be development, production or test")
    instance = Path(overrides.get("INSTANCE_PATH") or os.environ.get("PORTAL_INSTANCE_PATH")
                    or DEFAULT_INSTANCE)
    production = env == "production"

    db_url = os.environ.get("DATABASE_URL")
    if not db_url:
        if production and "SQLALCHEMY_DATABASE_URI" not in overrides:
            raise ConfigError("DATABASE_URL must be set when PORTAL_ENV=production")
        instance.mkdir(parents=True, exist_ok=True)
        db_url = f"sqlite:///{instance / 'portal.db'}"
    if db_url.startswith("postgres://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgres://"):]
    elif db_url.startswith("postgresql://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgresql://"):]

    mail_server = os.environ.get("MAIL_SERVER", "")
    cfg: dict = {
        "PORTAL_ENV": env,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SQLALCHEMY_RECORD_QUERIES": False,
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": _int("MAX_CONTENT_LENGTH", 1024 * 1024),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "SERVER_NAME": os.environ.get("SERVER_NAME") or None,
        "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000"),
        "PORTAL_NAME": os.environ.get("PORTAL_NAME", "Arbetsgivarportalen"),
        # How many reverse proxies in front of the portal to trust for
        # X-Forwarded-For/-Proto/-Host (client address for rate limits, https).
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        # Sessions and cookies
        "SESSION_COOKIE_NAME": "__Host-session" if production else "portal_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int("SESSION_HOURS", 12)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        # CSRF: tokens live as long as the session, so a form left open over
        # lunch still submits; the session itself expires after SESSION_HOURS.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": production,
        # Mail. No MAIL_SERVER: messages stay in the outbox, readable at /dev/mail.
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool(os.environ.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(os.environ.get("MAIL_USE_SSL")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "portal@localhost"),
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
        "MAIL_SEND_AFTER_REQUEST": _bool(os.environ.get("MAIL_SEND_AFTER_REQUEST"), True),
        # Where staff hear that an employer wrote or resubmitted when no one is
        # assigned to the request yet (the unit's shared mailbox); empty: no mail.
        "PORTAL_STAFF_INBOX": os.environ.get("PORTAL_STAFF_INBOX", ""),
        # Service levels: first response within N working days of submission;
        # intern/placement requests get a placement commitment within N days
        # (Helsingør's four-week rule). Both pause while waiting for the employer.
        "FIRST_RESPONSE_WORKING_DAYS": _int("FIRST_RESPONSE_WORKING_DAYS", 3),
        "PLACEMENT_COMMITMENT_DAYS": _int("PLACEMENT_COMMITMENT_DAYS", 28),
        # A seat freed on a course is offered to the first on its waiting list, who has
        # this many working days to say yes before it passes to the next.
        "OFFER_REPLY_WORKING_DAYS": _int("OFFER_REPLY_WORKING_DAYS", 3),
        "OUTCOME_FOLLOW_UP_DAYS": _int("OUTCOME_FOLLOW_UP_DAYS", 90),
        # The later follow-up: is the person still in work or studies half a year on?
        "OUTCOME_LATE_FOLLOW_UP_DAYS": _int("OUTCOME_LATE_FOLLOW_UP_DAYS", 180),
        # The department's units (e.g. "Jobbcenter;Kommunservice"), one chosen per
        # participant; the reports filter by it. Empty: one unit, no choice shown.
        "PORTAL_UNITS": [u.strip() for u in os.environ.get("PORTAL_UNITS", "").split(";")
                         if u.strip()],
        # The results dashboard (portal/reports): goals in per cent of ended participants
        # in work or studies at the end and at the follow-up (Hässleholm 70 %, Helsingør
        # 80 %), the forecast of people into employment per year (pro-rated to the period),
        # what one household on assistance costs a year (Hässleholm: 96 996 SEK), and the
        # smallest count shown as it is (smaller ones show as "<5": no one is identified).
        "REPORT_GOAL_END_PERCENT": _int("REPORT_GOAL_END_PERCENT", 70),
        "REPORT_GOAL_FOLLOW_UP_PERCENT": _int("REPORT_GOAL_FOLLOW_UP_PERCENT", 80),
        "REPORT_FORECAST_PER_YEAR": _int("REPORT_FORECAST_PER_YEAR", 20),
        "REPORT_COST_PER_HOUSEHOLD": _int("REPORT_COST_PER_HOUSEHOLD", 96996),
        "REPORT_CURRENCY": os.environ.get("REPORT_CURRENCY", "SEK"),
        "REPORT_SMALL_NUMBER_THRESHOLD": _int("REPORT_SMALL_NUMBER_THRESHOLD", 5),
        # On PostgreSQL the dashboard reads its outcome shares on the request's connection
        # and the other figures on a second one at the same time (about a third faster).
        "REPORT_CONCURRENT": _bool(os.environ.get("REPORT_CONCURRENT"), True),
        # Subsidised placements at one host: at most one per this many ordinary employees
        # (at least one allowed); agreeing past it is warned about (placements/checks.py).
        "PLACEMENT_RATIO_EMPLOYEES": _int("PLACEMENT_RATIO_EMPLOYEES", 5),
        # Rate limits (Flask-Limiter). memory:// is per process; use Redis in production.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        "REGISTER_RATE_LIMIT": os.environ.get("REGISTER_RATE_LIMIT", "5 per minute;30 per hour"),
        # Tokens
        "CONFIRM_TOKEN_MAX_AGE": _int("CONFIRM_TOKEN_MAX_AGE", 3 * 24 * 3600),
        "RESET_TOKEN_MAX_AGE": _int("RESET_TOKEN_MAX_AGE", 2 * 3600),
        "INVITE_DAYS": _int("INVITE_DAYS", 14),
        "PASSWORD_MIN_LENGTH": _int("PASSWORD_MIN_LENGTH", 12),
        "PASSWORD_HASH_METHOD": HASH_METHOD,
        # i18n
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("PORTAL_TIMEZONE", "Europe/Stockholm"),
        "PORTAL_LANGUAGES": ["sv", "en", "da"],
        "PAGE_SIZE": _int("PAGE_SIZE", 25),
    }
    if env == "test":
        cfg.update(
            {
                "TESTING": True,
                "RATELIMIT_ENABLED": True,
                "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
            }
        )
    if env == "development" and "PORTAL_UNITS" not in os.environ:
        # The demo shows a department with two units (Hässleholm's job centre and its
        # Kommunservice, which holds the labour-market employments).
        cfg["PORTAL_UNITS"] = ["Jobbcenter", "Kommunservice"]
    cfg.update(overrides)
    # SECRET_KEY last, once the overrides (a test's key, its instance path) are known.
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _secret_key(Path(cfg["INSTANCE_PATH"]), env)
    if production:
        cfg["SESSION_COOKIE_SECURE"] = True
    return cfg
