"""Forms for recruitment events: the event, its organisations, invitations and results."""

from __future__ import annotations

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import TextInput

from portal.analyses.forms import DateBetween
from portal.core.fields import (
    CheckboxListField,
    DayField,
    NumberRange,
    WholeNumberField,
)
from portal.core.fields import text_field as _text
from portal.core.forms import BaseForm, VersionField
from portal.core.idempotency import SubmissionKeyField
from portal.employers.enums import Sector
from portal.employers.forms import _occupation_choices
from portal.events.enums import EventRole, Response

_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)(?::00)?$")


class ClockField(Field):
    """A time of day typed or picked as HH:MM (13.30 is read as 13:30)."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if isinstance(self.data, time) else ""

    def process_formdata(self, valuelist):
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            self.raw_data = []
            return
        match = _CLOCK.match(valuelist[0].strip())
        if match is None:
            self.data = None
            raise ValueError(_l("Enter a time as HH:MM, e.g. 13:30."))
        self.data = time(int(match.group(1)), int(match.group(2)))


class EventFields(BaseForm):
    title = _text(_l("Title"), 120, _l("Give the event a title."),
                  description=_l("E.g. Rekryteringsträff lokalvård."))
    sector = SelectField(_l("Sector"), choices=[], validators=[
        InputRequired(_l("Choose the sector."))])
    occupation_code = SelectField(_l("Occupation"), choices=[], validators=[Optional()],
                                  description=_l("Optional: the occupation it recruits for."))
    occupation_other = _text(_l("Other occupation"), 120,
                             description=_l("Only if you chose “Other occupation”."))
    event_date = DayField(_l("Date"), validators=[
        InputRequired(_l("Enter the date.")), DateBetween(1, 3)],
        description=_l("YYYY-MM-DD."))
    start_time = ClockField(_l("Starts at"), validators=[
        InputRequired(_l("Enter the start time."))], description=_l("HH:MM, e.g. 09:30."))
    end_time = ClockField(_l("Ends at"), validators=[
        InputRequired(_l("Enter the end time."))], description=_l("HH:MM, e.g. 12:00."))
    location = _text(_l("Place"), 160,
                     description=_l("Address and room. Give a place, an online link, or "
                                    "both."))
    online_url = _text(_l("Link for taking part online"), 300,
                       description=_l("Starting with https://"))
    capacity = WholeNumberField(_l("Places for job seekers"), validators=[
        InputRequired(_l("Enter the number of places.")), NumberRange(1, 500)])
    description = TextAreaField(_l("Description"), validators=[
        Optional(), Length(max=4000, message=_l("Use at most %(max)d characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", _l("Choose…")), *Sector.choices()]
        self.occupation_code.choices = _occupation_choices()

    def validate(self, extra_validators=None):
        from portal.core.meetings import is_web_link

        valid = super().validate(extra_validators)

        def refuse(field, message):
            field.errors = [*field.errors, message]

        if self.occupation_code.data == "other" and not self.occupation_other.data:
            refuse(self.occupation_other, _l("Describe the occupation."))
            valid = False
        start, end = self.start_time.data, self.end_time.data
        if isinstance(start, time) and isinstance(end, time) and end <= start:
            refuse(self.end_time, _l("The event must end after it starts."))
            valid = False
        if not self.location.data and not self.online_url.data and not (
                self.location.errors or self.online_url.errors):
            refuse(self.location, _l("Give the place, the link for taking part online, or "
                                     "both."))
            valid = False
        if self.online_url.data and not self.online_url.errors \
                and not is_web_link(self.online_url.data):
            refuse(self.online_url, _l("Enter a web address starting with https:// or "
                                       "http://."))
            valid = False
        return valid

    def values(self) -> dict:
        from portal.events.services import FIELDS

        out = {name: self[name].data for name in FIELDS}
        out["occupation_code"] = out["occupation_code"] or ""
        return out


class NewEventForm(EventFields):
    submission_key = SubmissionKeyField()
    request_ids = CheckboxListField(_l("Requests for a recruitment event it answers"),
                                    choices=[], coerce=str,
                                    description=_l("Their organisations are invited to "
                                                   "take part, and the requests move to "
                                                   "“in progress”."))

    def __init__(self, *args, requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.request_ids.choices = [
            (str(r.id), f"{r.reference} – {r.organisation.name}: {r.roles or ''}"
             + (f" ({r.headcount})" if r.headcount else ""))
            for r in requests]

    @staticmethod
    def ids(field) -> list[int]:
        return [int(v) for v in field.data or [] if v.isdecimal() and len(v) < 10]


class EditEventForm(EventFields):
    version_id = VersionField()


class EventTransitionForm(BaseForm):
    version_id = VersionField()
    to = SelectField(_l("New status"), choices=[], validators=[
        InputRequired(_l("Choose the new status."))])
    reason = TextAreaField(_l("Reason"), validators=[
        Optional(), Length(max=1000, message=_l("Use at most %(max)d characters."))],
        description=_l("Needed when cancelling; the organisations are told."))

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.to.choices = [(m.value, m.label) for m in moves]


class OrganisationForm(BaseForm):
    """Staff add an organisation (chosen from the list) or change its part."""

    organisation_id = SelectField(_l("Organisation"), choices=[], validators=[
        InputRequired(_l("Choose the organisation."))])
    role = SelectField(_l("Part in the event"), choices=[], validators=[
        InputRequired(_l("Choose the organisation's part in the event."))])
    vacancies = WholeNumberField(_l("Vacancies"), validators=[
        Optional(), NumberRange(0, 500)],
        description=_l("How many people it wants to recruit; 0 if none."))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [("", _l("Choose…"))] + [
            (str(o.id), o.name) for o in organisations]
        self.role.choices = EventRole.choices()


class RemoveOrganisationForm(BaseForm):
    organisation_id = HiddenField(validators=[InputRequired(_l("Reload the page and try "
                                                               "again."))])


class InviteForm(BaseForm):
    case_reference = _text(_l("Case reference"), 40, _l("Enter the participant's case "
                                                        "reference."))


class ResultsForm(BaseForm):
    version_id = VersionField()
    interviews = WholeNumberField(_l("Interviews held"), validators=[
        InputRequired(_l("Enter a number; 0 if none.")), NumberRange(0, 500)])
    offers = WholeNumberField(_l("Job offers"), validators=[
        InputRequired(_l("Enter a number; 0 if none.")), NumberRange(0, 500)])
    hires = WholeNumberField(_l("Hires"), validators=[
        InputRequired(_l("Enter a number; 0 if none.")), NumberRange(0, 500)])
    hired = CheckboxListField(_l("Which of those who came were hired"), choices=[], coerce=str,
                              description=_l("Each person ticked is recorded as employed by "
                                             "the organisation."))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hired.choices = [(str(p.id), f"{p.full_name} ({p.case_reference})")
                              for p in people]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if isinstance(self.hires.data, int) and not self.hires.errors \
                and len(self.hired.data or []) > self.hires.data:
            self.hired.errors = [*self.hired.errors, _l(
                "More people are ticked as hired than the number of hires.")]
            valid = False
        return valid

    def hired_ids(self) -> list[int]:
        return [int(v) for v in self.hired.data or [] if v.isdecimal() and len(v) < 10]


class ResponseForm(BaseForm):
    """The employer's answer: the button pressed."""

    answer = SelectField(_l("Your answer"), choices=[], validators=[
        InputRequired(_l("Say whether you will come."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer.choices = [(Response.CONFIRMED.value, _l("We will come")),
                               (Response.DECLINED.value, _l("We cannot come"))]
