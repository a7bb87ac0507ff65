"""Signed, expiring, single-use tokens for mail links.

Each token carries a fingerprint of the state it is meant to change (the
password hash for a reset, the confirmation stamp for a confirmation), so it
stops working once it has been used.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.accounts.models import User
from portal.extensions import db

CONFIRM = "confirm-email"
RESET = "reset-password"


class TokenInvalid(Exception):
    pass


class TokenExpired(TokenInvalid):
    pass


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal.{purpose}")


def _fingerprint(purpose: str, user: User) -> str:
    if purpose == CONFIRM:
        state = f"{user.email}|{user.email_confirmed_at}"
    else:
        state = f"{user.password_hash}|{user.active}"
    return hashlib.sha256(state.encode()).hexdigest()[:20]


def make(purpose: str, user: User) -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(purpose, user)})


def load(purpose: str, token: str) -> User:
    max_age = current_app.config[
        "CONFIRM_TOKEN_MAX_AGE" if purpose == CONFIRM else "RESET_TOKEN_MAX_AGE"
    ]
    if not token or len(token) > 500:
        raise TokenInvalid
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired from exc
    except BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise TokenInvalid
    user = db.session.get(User, data["u"])
    if user is None or not hmac.compare_digest(str(data.get("f")),
                                               _fingerprint(purpose, user)):
        raise TokenInvalid
    return user


def hash_token(token: str) -> str:
    """For tokens stored in the database (invitations): keep only a hash."""
    return hashlib.sha256(token.encode()).hexdigest()
