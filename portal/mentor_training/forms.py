"""Forms for mentor training: the session, cancelling it, and signing supervisors up."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.analyses.forms import DateBetween
from portal.core.fields import CheckboxListField, DayField, NumberRange, WholeNumberField
from portal.core.fields import text_field as _text
from portal.core.forms import BaseForm, VersionField
from portal.core.idempotency import SubmissionKeyField
from portal.events.forms import ClockField
from portal.requests.enums import MentorTopic


class SessionFields(BaseForm):
    title = _text(_l("Title"), 120, _l("Give the session a title."),
                  description=_l("E.g. Mentorsutbildning för handledare."))
    session_date = DayField(_l("Date"), validators=[
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
    capacity = WholeNumberField(_l("Places"), validators=[
        InputRequired(_l("Enter the number of places.")), NumberRange(1, 200)],
        description=_l("When all places are booked, more sign-ups go on a waiting list."))
    topics = CheckboxListField(_l("Topics"), choices=[], coerce=str)
    description = TextAreaField(_l("Description"), validators=[
        Optional(), Length(max=4000, message=_l("Use at most %(max)d characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = MentorTopic.choices()

    def validate(self, extra_validators=None):
        from portal.core.meetings import is_web_link

        valid = super().validate(extra_validators)

        def refuse(field, message):
            field.errors = [*field.errors, message]

        start, end = self.start_time.data, self.end_time.data
        if isinstance(start, time) and isinstance(end, time) and end <= start:
            refuse(self.end_time, _l("The session must end after it starts."))
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
        if not self.topics.data and not self.topics.errors:
            refuse(self.topics, _l("Choose at least one topic."))
            valid = False
        return valid

    def values(self) -> dict:
        from portal.mentor_training.services import FIELDS

        out = {name: self[name].data for name in FIELDS}
        out["topics"] = list(out["topics"] or [])
        return out


class NewSessionForm(SessionFields):
    submission_key = SubmissionKeyField()


class EditSessionForm(SessionFields):
    version_id = VersionField()


class CancelSessionForm(BaseForm):
    version_id = VersionField()
    reason = TextAreaField(_l("Reason for cancelling"), validators=[
        InputRequired(_l("Give the reason for cancelling; the supervisors signed up are "
                         "told.")),
        Length(max=1000, message=_l("Use at most %(max)d characters."))],
        description=_l("Everyone with a place or on the waiting list is mailed it."))


class HeldForm(BaseForm):
    """Mark the session held: a button, with the version the page showed."""

    version_id = VersionField()


def _supervisor_choices(supervisors) -> list[tuple[str, str]]:
    return [("", _l("Choose…"))] + [
        (str(s.id), f"{s.full_name} – {s.workplace}" if s.workplace else s.full_name)
        for s in supervisors]


class SignUpForm(BaseForm):
    """Staff sign an approved supervisor up."""

    supervisor_id = SelectField(_l("Supervisor"), choices=[], validators=[
        InputRequired(_l("Choose the supervisor."))],
        description=_l("Approved supervisors not signed up yet. When all places are "
                       "booked, they go on the waiting list."))

    def __init__(self, *args, supervisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.supervisor_id.choices = _supervisor_choices(supervisors)


class EmployerSignUpForm(BaseForm):
    """An employer's admin signs one of the organisation's supervisors up."""

    session_id = SelectField(_l("Session"), choices=[], validators=[
        InputRequired(_l("Choose the session."))])
    supervisor_id = SelectField(_l("Supervisor"), choices=[], validators=[
        InputRequired(_l("Choose the supervisor."))],
        description=_l("Your organisation's approved supervisors."))

    def __init__(self, *args, sessions=(), supervisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        from flask_babel import format_date

        self.session_id.choices = [("", _l("Choose…"))] + [
            (str(s.id), f"{s.title} – {format_date(s.session_date)} "
                        f"{s.start_time.strftime('%H:%M')}") for s in sessions]
        self.supervisor_id.choices = _supervisor_choices(supervisors)
