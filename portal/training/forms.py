"""Forms for cohort trainings and employers' commitments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

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
from portal.training.enums import Provider


class CohortFields(BaseForm):
    title = _text(_l("Title"), 120, _l("Give the course a title."),
                  description=_l("E.g. Lokalvård – yrkesutbildning med praktik."))
    sector = SelectField(_l("Sector"), choices=[], validators=[
        InputRequired(_l("Choose the sector."))])
    occupation_code = SelectField(_l("Occupation"), choices=[], validators=[
        InputRequired(_l("Choose an occupation."))])
    occupation_other = _text(_l("Other occupation"), 120,
                             description=_l("Only if you chose “Other occupation”."))
    provider = SelectField(_l("Provider"), choices=[], validators=[
        InputRequired(_l("Choose who gives the course."))])
    provider_name = _text(_l("Provider's name"), 160,
                          description=_l("E.g. Komvux Härryda, or the company's name."))
    weeks = WholeNumberField(_l("Length in weeks"), validators=[
        InputRequired(_l("Enter the length in weeks.")), NumberRange(1, 104)])
    start_date = DayField(_l("Start date"), validators=[
        InputRequired(_l("Enter the start date.")), DateBetween(1, 3)],
        description=_l("YYYY-MM-DD. The end date follows from the length."))
    weekly_hours = WholeNumberField(_l("Hours per week"), validators=[
        Optional(), NumberRange(1, 40)])
    location = _text(_l("Location"), 160)
    seats = WholeNumberField(_l("Seats"), validators=[
        InputRequired(_l("Enter the number of seats.")), NumberRange(1, 200)])
    language_support = _text(_l("Language support"), 200,
                             description=_l("E.g. Swedish for the trade, interpreter in "
                                            "Arabic and Tigrinya."))
    description = TextAreaField(_l("Description"), validators=[
        Optional(), Length(max=4000, message=_l("Use at most %(max)d characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", _l("Choose…")), *Sector.choices()]
        self.occupation_code.choices = _occupation_choices()
        self.provider.choices = [("", _l("Choose…")), *Provider.choices()]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.occupation_code.data == "other" and not self.occupation_other.data:
            self.occupation_other.errors = [*self.occupation_other.errors,
                                            _l("Describe the occupation.")]
            valid = False
        return valid

    def values(self) -> dict:
        from portal.training.services import FIELDS

        return {name: self[name].data for name in FIELDS}


class NewCohortForm(CohortFields):
    submission_key = SubmissionKeyField()
    request_ids = CheckboxListField(_l("Requests for a tailored course it answers"),
                                    choices=[], coerce=str,
                                    description=_l("Their employers are told, and the "
                                                   "requests move to “in progress”."))
    analysis_ids = CheckboxListField(_l("Needs analyses it answers"), choices=[], coerce=str)

    def __init__(self, *args, requests=(), analyses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.request_ids.choices = [
            (str(r.id), f"{r.reference} – {r.organisation.name}: {r.skill or r.roles or ''}")
            for r in requests]
        self.analysis_ids.choices = [
            (str(a.id), f"{a.organisation.name} – {a.finalised_at:%Y-%m-%d}")
            for a in analyses]

    @staticmethod
    def ids(field) -> list[int]:
        return [int(v) for v in field.data or [] if v.isdecimal() and len(v) < 10]


class EditCohortForm(CohortFields):
    version_id = VersionField()


class CohortTransitionForm(BaseForm):
    version_id = VersionField()
    to = SelectField(_l("New status"), choices=[], validators=[
        InputRequired(_l("Choose the new status."))])
    reason = TextAreaField(_l("Reason"), validators=[
        Optional(), Length(max=1000, message=_l("Use at most %(max)d characters."))],
        description=_l("Needed when cancelling; the employers are told."))

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.to.choices = [(m.value, m.label) for m in moves]


class CommitmentForm(BaseForm):
    """Staff record an organisation's commitment (organisation chosen) or update one."""

    organisation_id = SelectField(_l("Organisation"), choices=[], validators=[
        InputRequired(_l("Choose the organisation."))])
    interviews = BooleanField(_l("Guarantees interviews"))
    hires = WholeNumberField(_l("Number of hires promised"), validators=[
        Optional(), NumberRange(0, 200)])
    hosts_practical = BooleanField(_l("Hosts the practical part"))
    note = _text(_l("Note"), 1000)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [("", _l("Choose…"))] + [
            (str(o.id), o.name) for o in organisations]


class InterestForm(BaseForm):
    note = TextAreaField(_l("What you could offer"), validators=[
        Optional(), Length(max=1000, message=_l("Use at most %(max)d characters."))],
        description=_l("E.g. interviews for everyone, two jobs, or hosting the practical "
                       "weeks. Optional."))


class EnrolForm(BaseForm):
    case_reference = _text(_l("Case reference"), 40, _l("Enter the participant's case "
                                                        "reference."))


class EnrolmentChangeForm(BaseForm):
    version_id = VersionField()
    action = SelectField(_l("What happened"), choices=[], validators=[
        InputRequired(_l("Choose what happened."))])
    on = DayField(_l("Date"), validators=[Optional(), DateBetween(1, 1)],
                  description=_l("Today if left empty."))
    reason = _text(_l("Reason"), 500, description=_l("Needed when someone drops out."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [
            ("accept", _l("Accepted the offer")), ("decline", _l("Declined the offer")),
            ("complete", _l("Completed the course")), ("drop_out", _l("Dropped out")),
            ("withdraw", _l("Left the waiting list"))]
