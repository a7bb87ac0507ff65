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
    """Where the first submission with this key ended up, if it happened."""
    if not key:
        return None
    row = db.session.get(SubmissionKey, key)
    return (row.result_url or "/") if row else None


def claim(key: str | None, *, user_id: int | None = None, result_url: str | None = None) -> bool:
    """Record the key; False if another submission claimed it first."""
    if not key:
        return True
    try:
        with db.session.begin_nested():
            db.session.add(SubmissionKey(key=key, user_id=user_id, result_url=result_url))
    except IntegrityError:
        return False
    return True
