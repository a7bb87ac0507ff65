from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

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
from portal.employers.enums import DrivingLicence, Sector
from portal.participants.enums import JOB_FORMS, OutcomeStatus


class ParticipantFields(BaseForm):
    first_name = _text(_l("First name"), 80, _l("Enter the first name."),
                       render_kw={"autocomplete": "off"})
    last_name = _text(_l("Last name"), 80, _l("Enter the last name."),
                      render_kw={"autocomplete": "off"})
    case_reference = _text(_l("Case reference"), 40, _l("Enter the case reference."),
                           description=_l("The reference in the case system. Never a "
                                          "personal identity number."))
    email = EmailField(_l("E-mail"), validators=[
        Optional(), Email(_l("Enter an e-mail address like name@example.se.")),
        Length(max=254, message=_l("Use at most %(max)d characters."))],
        render_kw={"autocomplete": "off"})
    phone = _text(_l("Phone"), 40, render_kw={"autocomplete": "off"})
    languages = _text(_l("Languages"), 200, description=_l("E.g. Swedish (basic), Arabic, "
                                                           "English."))
    driving_licence = SelectField(_l("Driving licence"), choices=[], validators=[
        InputRequired(_l("Choose the driving licence."))])
    sectors = CheckboxListField(_l("Sector profile: sectors the person fits"), choices=[],
                                coerce=str, description=_l("From the screening "
                                                           "conversation; see the "
                                                           "questions below."))
    intake_on = DayField(_l("Intake date"), validators=[Optional(), DateBetween(10, 0)],
                         description=_l("The first meeting with the unit. The 4-week rules "
                                        "for a first commitment count from it. YYYY-MM-DD."))
    profile_note = TextAreaField(_l("Note for matching"), validators=[
        Optional(), Length(max=1000, message=_l("Use at most %(max)d characters."))],
        description=_l("Only what matters for finding the right measure, e.g. "
                       "“can work evenings, not heavy lifting”. No health details."))
    unit = SelectField(_l("Unit"), choices=[], validators=[
        InputRequired(_l("Choose the unit."))],
        description=_l("The unit that works with the person."))

    def __init__(self, *args, units=(), **kwargs):
        """``units``: the units to choose from (services.unit_choices); none: the
        department has one unit and the field is left out."""
        super().__init__(*args, **kwargs)
        self.driving_licence.choices = DrivingLicence.choices()
        self.sectors.choices = Sector.choices()
        if units:
            self.unit.choices = [("", _l("Choose…")), *((u, u) for u in units)]
        else:
            del self.unit

    def values(self) -> dict:
        from portal.participants.services import FIELDS

        return {name: self[name].data for name in FIELDS if name in self}


class NewParticipantForm(ParticipantFields):
    submission_key = SubmissionKeyField()


class EditParticipantForm(ParticipantFields):
    version_id = VersionField()


class OutcomeForm(BaseForm):
    """One participant's outcome of one measure at one checkpoint."""

    # "0" when none is recorded yet, so a second person recording at once is told.
    version_id = VersionField()
    status = ChoiceRadio(_l("Outcome"), choices=[], validators=[
        InputRequired(_l("Choose the outcome."))])
    organisation_id = SelectField(_l("Employer"), choices=[], validate_choice=False,
                                  description=_l("For a job or subsidised job."))
    employer_name = _text(_l("Other employer"), 160,
                          description=_l("If the employer is not in the list."))
    employment_form = SelectField(_l("Form of employment"), choices=[],
                                  validate_choice=False)
    weekly_hours = WholeNumberField(_l("Hours per week"), validators=[
        Optional(), NumberRange(1, 60)])
    note = _text(_l("Note"), 500, description=_l("Only what the follow-up needs; no "
                                                 "health or other sensitive details."))
    recorded_on = DayField(_l("Date noted"), validators=[Optional(), DateBetween(2, 0)],
                           description=_l("Today if left empty."))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = OutcomeStatus.choices()
        self.organisation_id.choices = [("", _l("Choose…"))] + [
            (str(o.id), o.name) for o in organisations]
        self.employment_form.choices = [("", _l("Not known")),
                                        *((f.value, f.label) for f in JOB_FORMS)]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        known = {value for value, _label in self.organisation_id.choices}
        self.organisation_id.data = self.organisation_id.data or ""
        self.employment_form.data = self.employment_form.data or ""
        if self.organisation_id.data not in known:
            self.organisation_id.errors = [*self.organisation_id.errors,
                                           _l("Choose one of the options.")]
            valid = False
        if self.employment_form.data not in {"", *JOB_FORMS}:
            self.employment_form.errors = [*self.employment_form.errors,
                                           _l("Choose one of the options.")]
            valid = False
        return valid


class ScreeningForm(BaseForm):
    version_id = VersionField()
    questions = TextAreaField(_l("Questions"), validators=[
        InputRequired(_l("Write at least one question, one per line.")),
        Length(max=4000, message=_l("Use at most %(max)d characters."))],
        description=_l("One question per line, at most 10. Write them in the language staff "
                       "use; your wording is shown as written."))
