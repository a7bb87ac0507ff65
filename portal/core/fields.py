"""Form fields with the portal's own, translated messages and sane bounds."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput

from portal.core.dates import local_today


class WholeNumberField(IntegerField):
    """An integer field that says what it wants, in the user's language."""

    widget = NumberInput(step="1")

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = (valuelist[0] or "").strip().replace(" ", "").replace("\u00a0", "")
        if raw == "":
            # Blank is no answer at all, so InputRequired says so: left as sent, a
            # space or tab would pass it and reach the database as NULL.
            self.data = None
            self.raw_data = []
            return
        if not raw.lstrip("-").isdecimal() or len(raw) > 9:
            self.data = None
            raise ValueError(_l("Enter a whole number, e.g. 5."))
        self.data = int(raw)


class DayField(DateField):
    """A date typed or picked as YYYY-MM-DD."""

    def process_formdata(self, valuelist):
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        raw = valuelist[0].strip()
        try:
            self.data = date.fromisoformat(raw) if len(raw) == 10 else None
        except ValueError:
            self.data = None
        if self.data is None:
            raise ValueError(_l("Enter a date as YYYY-MM-DD, e.g. 2027-03-01."))


class ChoiceRadio(RadioField):
    """Radio buttons that may be left empty (a draft); checked by KnownChoice."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data in ("", "None"):
            # Nothing chosen: no answer, so InputRequired says so (a sent "None"
            # would otherwise pass it and be saved as no value).
            self.data = None
            self.raw_data = []

    def pre_validate(self, form):
        if self.data in (None, "", "None"):
            self.data = None
            return
        if self.data not in {str(value) for value, *_ in self.choices}:
            raise ValidationError(_l("Choose one of the options."))


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        known = {str(value) for value, *_ in self.choices}
        if any(str(v) not in known for v in self.data or []):
            raise ValidationError(_l("Choose among the options shown."))


class NumberRange:
    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def __call__(self, form, field):
        if field.data is not None and not (self.low <= field.data <= self.high):
            raise ValidationError(_l("Enter a number from %(low)d to %(high)d.",
                                     low=self.low, high=self.high))


class DateWithin:
    """Not in the past, and not absurdly far ahead."""

    def __init__(self, years_ahead: int = 3):
        self.years_ahead = years_ahead

    def __call__(self, form, field):
        if field.data is None:
            return
        today = local_today()
        if field.data < today:
            raise ValidationError(_l("Choose a date from today onwards."))
        if field.data.year > today.year + self.years_ahead:
            raise ValidationError(_l("Choose a date within the next %(years)d years.",
                                     years=self.years_ahead))


def text_field(label, max_len: int, required=None, **kw) -> StringField:
    """A one-line text field with a length limit; ``required`` is the message when empty."""
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_len, message=_l("Use at most %(max)d characters.")))
    return StringField(label, validators=validators, **kw)

