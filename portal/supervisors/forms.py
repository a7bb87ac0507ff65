"""Forms for supervisors: the public sign-up, a colleague registered by an employer admin,
the confirmation, the supervisor's own profile and the staff decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from portal.accounts.forms import LANGUAGE_CHOICES, email_field, name_field
from portal.analyses.forms import DateBetween
from portal.core.fields import (
    CheckboxListField,
    ChoiceRadio,
    DayField,
    NumberRange,
    WholeNumberField,
)
from portal.core.fields import text_field as _text
from portal.core.forms import BaseForm, VersionField
from portal.core.idempotency import SubmissionKeyField
from portal.employers.enums import Sector

PERIOD_ROWS = (1, 2, 3)


def _phone():
    return StringField(_l("Phone"), validators=[
        InputRequired(_l("Enter a phone number.")),
        Length(max=40, message=_l("Use at most %(max)d characters.")),
        Regexp(r"^[0-9 +()-]{5,40}$", message=_l("Enter a phone number, e.g. 070-123 45 67."))],
        render_kw={"autocomplete": "tel", "inputmode": "tel"})


def _tasks():
    return TextAreaField(_l("Tasks you can supervise"), validators=[
        InputRequired(_l("Describe the tasks you can supervise.")),
        Length(max=1000, message=_l("Use at most %(max)d characters."))],
        description=_l("E.g. cleaning offices and stairwells, the dishwasher, stocking "
                       "shelves."))


def _languages():
    return _text(_l("Languages you speak"), 200,
                 description=_l("E.g. Swedish, Arabic, English. Separate them with commas."))


def _capacity():
    return WholeNumberField(_l("How many people at a time"), validators=[
        InputRequired(_l("Enter how many people you can supervise at a time.")),
        NumberRange(1, 10)], description=_l("From 1 to 10."))


def _from(n: int):
    return DayField(_l("From"), validators=[Optional(), DateBetween(5, 5)],
                    description=_l("YYYY-MM-DD."))


def _to(n: int):
    return DayField(_l("To (optional)"), validators=[Optional(), DateBetween(5, 5)],
                    description=_l("Leave empty for until further notice."))


class PeriodFields(BaseForm):
    """Up to three periods when the supervisor can take someone; at least one."""

    period1_from = _from(1)
    period1_to = _to(1)
    period2_from = _from(2)
    period2_to = _to(2)
    period3_from = _from(3)
    period3_to = _to(3)

    def period_rows(self):
        return [(n, self[f"period{n}_from"], self[f"period{n}_to"]) for n in PERIOD_ROWS]

    def periods(self) -> list:
        from portal.supervisors.services import Period

        return [Period(start.data, end.data) for _n, start, end in self.period_rows()
                if start.data is not None]

    def fill_periods(self, periods) -> None:
        for (_n, start, end), period in zip(self.period_rows(), periods, strict=False):
            start.data, end.data = period.starts_on, period.ends_on

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        any_start = False
        for _n, start, end in self.period_rows():
            if start.errors or end.errors:
                continue
            if start.data is None and end.data is not None:
                start.errors = [*start.errors, _l("Enter the first day of the period.")]
                valid = False
            elif start.data is not None:
                any_start = True
                if end.data is not None and end.data < start.data:
                    end.errors = [*end.errors, _l("The period must end on or after the day "
                                                  "it starts.")]
                    valid = False
        if not any_start and not any(f.errors for _n, s, e in self.period_rows()
                                     for f in (s, e)):
            self.period1_from.errors = [*self.period1_from.errors,
                                        _l("Give at least one period when you can take "
                                           "someone.")]
            valid = False
        return valid


class ProfileFields(PeriodFields):
    """What the supervisor tells about themselves (the workplace apart)."""

    full_name = name_field()
    email = email_field()
    phone = _phone()
    job_title = _text(_l("Job title or role"), 120, _l("Enter the job title or role."),
                      description=_l("E.g. cleaning supervisor, head chef, store manager."))
    sectors = CheckboxListField(_l("Sectors"), choices=[], validators=[
        InputRequired(_l("Choose at least one sector."))],
        description=_l("Choose every sector you can take someone in."))
    tasks = _tasks()
    languages = _languages()
    capacity = _capacity()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sectors.choices = Sector.choices()

    def profile(self) -> dict:
        from portal.supervisors.services import PROFILE_FIELDS

        return {name: self[name].data for name in PROFILE_FIELDS}


WORKPLACE_CHOICES = [("organisation", _l("An employer registered in the portal")),
                     ("department", _l("A municipal department"))]


class SignUpForm(ProfileFields):
    submission_key = SubmissionKeyField()
    workplace = ChoiceRadio(_l("Where do you work?"), choices=WORKPLACE_CHOICES, validators=[
        InputRequired(_l("Choose where you work."))])
    org_number = StringField(_l("The employer's organisation number"), validators=[
        Optional(), Length(max=20, message=_l("Use at most %(max)d characters."))],
        description=_l("10 digits, e.g. 556036-0793 (Danish employers: the CVR number). "
                       "Your employer must be registered in the portal."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    department = _text(_l("Department"), 160,
                       description=_l("If you work for the municipality: the department "
                                      "and unit."))
    municipality = _text(_l("The department's municipality"), 80)
    consent = BooleanField(_l("I agree that my details are stored and used as described "
                              "above"), validators=[
        InputRequired(_l("Tick the box to agree to how your details are used."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.full_name.label.text = _l("Your name")
        self.email.label.text = _l("Your e-mail address")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)

        def refuse(field, message):
            field.errors = [*field.errors, message]

        if self.workplace.data == "organisation" and not self.org_number.data \
                and not self.org_number.errors:
            refuse(self.org_number, _l("Enter the employer's organisation number."))
            valid = False
        if self.workplace.data == "department":
            if not self.department.data and not self.department.errors:
                refuse(self.department, _l("Enter the department you work at."))
                valid = False
            if not self.municipality.data and not self.municipality.errors:
                refuse(self.municipality, _l("Enter the department's municipality."))
                valid = False
        return valid

    def workplace_values(self) -> dict:
        if self.workplace.data == "organisation":
            return {"org_number": self.org_number.data}
        return {"department": self.department.data, "municipality": self.municipality.data}


class ColleagueForm(ProfileFields):
    """An employer admin registers a colleague; the workplace is the organisation."""

    submission_key = SubmissionKeyField()
    locale = SelectField(_l("Language of the mail to your colleague"),
                         choices=LANGUAGE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.full_name.label.text = _l("Your colleague's name")
        self.email.label.text = _l("Your colleague's e-mail address")
        self.phone.label.text = _l("Your colleague's phone")
        self.sectors.description = _l("Choose every sector your colleague can take someone "
                                      "in.")
        self.tasks.label.text = _l("Tasks your colleague can supervise")
        self.languages.label.text = _l("Languages your colleague speaks")
        self.capacity.label.text = _l("How many people your colleague can take at a time")


class ConsentForm(BaseForm):
    """A colleague-registered person confirms and gives their own consent."""

    consent = BooleanField(_l("I agree that my details are stored and used as described "
                              "above"), validators=[
        InputRequired(_l("Tick the box to agree to how your details are used."))])


class OwnProfileForm(PeriodFields):
    """The supervisor's own changes: contact, tasks, languages, capacity, availability."""

    version_id = VersionField()
    phone = _phone()
    tasks = _tasks()
    languages = _languages()
    capacity = _capacity()

    def values(self) -> dict:
        from portal.supervisors.services import OWN_FIELDS

        return {name: self[name].data for name in OWN_FIELDS}


class DecisionForm(BaseForm):
    """Approve or reactivate: only the version the page showed."""

    version_id = VersionField()


class ReasonForm(BaseForm):
    """Decline or deactivate: the reason is required (a declined person is mailed it)."""

    version_id = VersionField()
    reason = TextAreaField(_l("Reason"), validators=[
        InputRequired(_l("Give the reason.")),
        Length(max=1000, message=_l("Use at most %(max)d characters."))])
