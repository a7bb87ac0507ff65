"""Forms for placements: the placement, its moves, follow-ups and weekly check-ins."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.analyses.forms import DateBetween
from portal.core.fields import ChoiceRadio, DayField, NumberRange, WholeNumberField
from portal.core.fields import text_field as _text
from portal.core.forms import BaseForm, VersionField
from portal.core.idempotency import SubmissionKeyField
from portal.employers.enums import Sector
from portal.placements.enums import CheckInRating, EndOutcome
from portal.requests.enums import PlacementType


def _area(label, max_len: int, required=None, **kw) -> TextAreaField:
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_len, message=_l("Use at most %(max)d characters.")))
    return TextAreaField(label, validators=validators, **kw)


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() and len(value) < 10 else None


class PlacementFields(BaseForm):
    organisation_id = SelectField(_l("Host organisation"), choices=[], validators=[
        InputRequired(_l("Choose the host organisation."))])
    supervisor_id = SelectField(_l("Supervisor"), choices=[], validators=[Optional()],
                                description=_l("An approved supervisor; needed before the "
                                               "placement is agreed."))
    placement_type = SelectField(_l("Type of placement"), choices=[], validators=[
        InputRequired(_l("Choose the type of placement."))])
    # Required unless an older placement never had one stated (``sector_required``).
    sector = SelectField(_l("Sector"), choices=[],
                         description=_l("The sector of the work, for the figures by "
                                        "sector."))
    starts_on = DayField(_l("First day"), validators=[
        InputRequired(_l("Enter the first day.")), DateBetween(2, 3)],
        description=_l("YYYY-MM-DD."))
    ends_on = DayField(_l("Last day"), validators=[
        InputRequired(_l("Enter the last day.")), DateBetween(2, 5)],
        description=_l("YYYY-MM-DD."))
    weekly_hours = WholeNumberField(_l("Hours per week"), validators=[
        InputRequired(_l("Enter the hours per week.")), NumberRange(1, 40)])
    tasks = _area(_l("Tasks"), 1000, _l("Describe the tasks."),
                  description=_l("What the person will do; the supervisor sees this."))

    def __init__(self, *args, organisations=(), supervisors=(), sector_required=True,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.sector_required = sector_required
        self.sector.flags.required = sector_required
        self.sector.choices = [("", _l("Choose…") if sector_required else _l("Not stated")),
                               *Sector.choices()]
        self.organisation_id.choices = [("", _l("Choose…"))] + [
            (str(o.id), o.name) for o in organisations]
        self.supervisor_id.choices = [("", _l("None yet"))] + [
            (str(s.id), f"{s.full_name} – {s.workplace}"
             + (f" ({s.municipality})" if s.municipality else "")) for s in supervisors]
        self.placement_type.choices = [("", _l("Choose…")), *PlacementType.choices()]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.sector_required and not self.sector.data and not self.sector.errors:
            self.sector.errors = [*self.sector.errors, _l("Choose the sector.")]
            valid = False
        starts, ends = self.starts_on.data, self.ends_on.data
        if starts and ends and not self.ends_on.errors and ends < starts:
            self.ends_on.errors = [*self.ends_on.errors,
                                   _l("The last day cannot be before the first.")]
            valid = False
        return valid

    def values(self) -> dict:
        return {"organisation_id": _id(self.organisation_id.data),
                "supervisor_id": _id(self.supervisor_id.data),
                "placement_type": self.placement_type.data,
                "sector": self.sector.data or None,
                "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
                "weekly_hours": self.weekly_hours.data, "tasks": self.tasks.data or ""}


class NewPlacementForm(PlacementFields):
    submission_key = SubmissionKeyField()
    case_reference = _text(_l("Participant's case reference"), 40,
                           _l("Enter the participant's case reference."))


class EditPlacementForm(PlacementFields):
    version_id = VersionField()


class AgreeForm(BaseForm):
    version_id = VersionField()
    # The kinds of warning the page showed, so a new one since then is shown first.
    warnings = HiddenField()
    ordinary_employees = WholeNumberField(
        _l("Ordinary employees at the host"), validators=[Optional(), NumberRange(0, 100000)],
        description=_l("Employees without a subsidy, as the host confirms it; saved on the "
                       "organisation for the ratio rule."))
    confirm = BooleanField(_l("I have read the warnings and agree the placement anyway."))

    def confirmed(self) -> frozenset[str]:
        if not self.confirm.data:
            return frozenset()
        return frozenset(k for k in (self.warnings.data or "").split(",") if k)


class ActivateForm(BaseForm):
    version_id = VersionField()


class EndForm(BaseForm):
    version_id = VersionField()
    ended_on = DayField(_l("Last day"), validators=[
        InputRequired(_l("Enter the last day.")), DateBetween(3, 0)],
        description=_l("YYYY-MM-DD; the day the person was last there."))
    outcome = ChoiceRadio(_l("Where the person went"), choices=[], validators=[
        InputRequired(_l("Choose where the person went."))])
    employer_name = _text(_l("The new employer"), 160,
                          description=_l("For another job: the employer's name."))
    reason = _area(_l("Reason"), 1000, description=_l("Needed when the placement was "
                                                      "interrupted."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = EndOutcome.choices()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.outcome.data == EndOutcome.INTERRUPTED and not self.reason.data \
                and not self.reason.errors:
            self.reason.errors = [*self.reason.errors,
                                  _l("Give the reason the placement was interrupted.")]
            valid = False
        if self.outcome.data == EndOutcome.OTHER_JOB and not self.employer_name.data \
                and not self.employer_name.errors:
            self.employer_name.errors = [*self.employer_name.errors,
                                         _l("Say which employer the person went to.")]
            valid = False
        return valid


class CancelForm(BaseForm):
    version_id = VersionField()
    reason = _area(_l("Reason"), 1000, _l("Give the reason for cancelling."))


class FollowUpForm(BaseForm):
    note = _area(_l("Note"), 1000, _l("Write what came up."),
                 description=_l("What came up; no health or other sensitive details."))


class CheckInForm(BaseForm):
    rating = ChoiceRadio(_l("How is it going?"), choices=[], validators=[
        InputRequired(_l("Choose how it goes."))])
    hours = WholeNumberField(_l("Hours worked this week"), validators=[
        InputRequired(_l("Enter the hours worked this week.")), NumberRange(0, 60)])
    concerns = _area(_l("Anything we should know?"), 1000,
                     description=_l("Questions or concerns for the labour-market unit."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rating.choices = CheckInRating.choices()
