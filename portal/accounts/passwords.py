"""Password rules: a minimum length, not a common password, not easy to guess."""

from __future__ import annotations

from functools import cache

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MAX_LENGTH = 200
ZXCVBN_MAX = 72

# Common local choices missing from zxcvbn's (English) list.
_LOCAL_COMMON = {
    "lösenord", "losenord", "adgangskode", "sommar", "sommer", "vinter", "hemligt",
    "hemmelig", "välkommen", "velkommen", "kommunen", "arbetsgivare",
}


@cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"]) | _LOCAL_COMMON


def problems(password: str, *, user_inputs: list[str] = ()) -> list[str]:
    """Why ``password`` is not acceptable; empty when it is."""
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        return [_("Use at least %(n)d characters.", n=min_length)]
    if len(password) > MAX_LENGTH:
        return [_("Use at most %(n)d characters.", n=MAX_LENGTH)]
    lowered = password.lower()
    stripped = lowered.rstrip("0123456789!?.-_ ")
    if lowered in _common() or stripped in _common():
        return [_("This password is one of the most common ones. Choose another.")]
    inputs = [i for i in user_inputs if i]
    # zxcvbn refuses input over 72 characters; the start tells enough.
    if zxcvbn(password[:ZXCVBN_MAX], user_inputs=inputs)["score"] < 3:
        return [_("This password is too easy to guess. Try a few unrelated words together.")]
    return []


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same time as a real check, so timing does not reveal accounts.
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-real-password",
                                  method=current_app.config["PASSWORD_HASH_METHOD"])
