"""The base form: every text field is stripped and refuses control characters."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class NoControlCharacters:
    def __call__(self, form, field):
        if isinstance(field.data, str) and _CONTROL.search(field.data):
            raise ValidationError(_l("Remove the invisible control characters from the text."))


class BaseForm(FlaskForm):
    class Meta:
        def wrap_formdata(self, form, formdata):
            # Flask-WTF would read a JSON body into the form; our forms are HTML
            # forms, and JSON lists or numbers would break the text fields.
            from flask import request
            from flask_wtf.form import _Auto

            if formdata is _Auto and request.is_json:
                return None
            return super().wrap_formdata(form, formdata)

        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField | TextAreaField):
                filters = list(unbound_field.kwargs.get("filters", ()))
                # Passwords are taken exactly as typed.
                is_password = issubclass(unbound_field.field_class, PasswordField)
                if _strip not in filters and not is_password:
                    filters.insert(0, _strip)
                unbound_field.kwargs["filters"] = filters
                validators = list(unbound_field.kwargs.get("validators") or ())
                validators.append(NoControlCharacters())
                unbound_field.kwargs["validators"] = validators
            return unbound_field.bind(form=form, **options)

    def add_error(self, field_name: str | None, message: str) -> None:
        """Attach a service's error to a field, or to the form as a whole."""
        field = self._fields.get(field_name) if field_name else None
        if field is None:
            self.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]

    @property
    def all_errors(self) -> list[tuple[str | None, str]]:
        """(field id or None, message) for the error summary, in field order."""
        found = [(None, str(m)) for m in self.form_errors]
        for field in self:
            found.extend((field.id, str(m)) for m in field.errors)
        return found


class _ValidVersion:
    def __init__(self, required: bool):
        self.required = required

    def __call__(self, form, field):
        value = field.data or ""
        if (not value and self.required) or (value and not (value.isdecimal()
                                                             and len(value) < 10)):
            raise ValidationError(_l("Reload the page and try again."))


class VersionField(HiddenField):
    """The version of the record the form was loaded with (optimistic locking).

    ``required=False`` for forms that also create records (no version yet).
    """

    def __init__(self, *args, required: bool = True, **kwargs):
        # Added to, not defaulted: BaseForm's binding passes its own validators in.
        kwargs["validators"] = [*(kwargs.get("validators") or ()), _ValidVersion(required)]
        super().__init__(*args, **kwargs)

    @property
    def version(self) -> int | None:
        return int(self.data) if (self.data or "").isdecimal() else None


class CsrfOnlyForm(BaseForm):
    """For buttons whose only input is the CSRF token."""


def save_versioned(form: BaseForm, save, record) -> int | None:
    """Run ``save()``, a service call that checks ``record``'s version and the rules.

    Returns None when it went through; otherwise the status to show the form again with:
    409 after someone else's change (the form then carries their version, so saving
    again is a deliberate choice), 422 for a broken rule, shown by its field.
    """
    from portal.core.errors import ConflictError, DomainError
    from portal.extensions import db

    try:
        save()
    except ConflictError as exc:
        db.session.rollback()  # expires the record: its version is read afresh below
        form.add_error(None, exc.message)
        form.version_id.data = str(record.version_id)
        return 409
    except DomainError as exc:
        form.add_error(exc.field, exc.message)
        return 422
    return None
