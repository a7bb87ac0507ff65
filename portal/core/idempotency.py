"""One record per submitted form, however often the button is pressed.

Create-forms carry a random ``submission_key`` rendered with the form. The
service that creates the record claims the key in the same transaction; a
second submit with the same key finds it and is sent to the first result.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from portal.core.models import SubmissionKey
from portal.extensions import db

_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_key() -> str:
    return secrets.token_urlsafe(24)


class SubmissionKeyField(HiddenField):
    def process_formdata(self, valuelist):
        value = valuelist[0] if valuelist else ""
        self.data = value if _KEY.match(value or "") else new_key()

    def _value(self):
        if not self.data:
            self.data = new_key()
        return self.data


def previous_result(key: str | None) -> str | None:
    """Where an earlier submission with this key went, if there was one."""
    if not key:
        return None
    row = db.session.get(SubmissionKey, key)
    return (row.result_url or "/") if row else None


def claim(key: str | None, *, user_id: int | None = None) -> str | None:
    """Claim the key before creating anything.

    Returns None when this submission may go ahead, or the URL to send a
    repeated submission to. The key row is written in the request's
    transaction: if the creation fails, it is rolled back with it; if two
    requests race, the database's primary key lets only one through.
    """
    if not key:
        return None
    done = previous_result(key)
    if done:
        return done
    try:
        with db.session.begin_nested():
            db.session.add(SubmissionKey(key=key, user_id=user_id))
    except IntegrityError:
        return previous_result(key) or "/"
    return None


def finish(key: str | None, result_url: str) -> None:
    if key:
        row = db.session.get(SubmissionKey, key)
        if row is not None:
            row.result_url = result_url
