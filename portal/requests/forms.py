"""One form per kind of request, built from the field table in fields.py.

Forms check types and bounds on every save; what must be filled in before a
request can be submitted is the service's rule (services.problems), so a draft
can be saved half done.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.core.fields import (
    CheckboxListField,
    ChoiceRadio,
    DateWithin,
    DayField,
    NumberRange,
    WholeNumberField,
)
from portal.core.forms import BaseForm, VersionField
from portal.core.idempotency import SubmissionKeyField
from portal.requests import fields
from portal.requests.enums import (
    MentorTopic,
    PlacementType,
    RequestKind,
    RequestState,
    SupervisorStatus,
    Venue,
)


class RequiredToSubmit:
    """Marks a field "(required)" without blocking a draft; the service checks it."""

    field_flags = {"required_to_submit": True}

    def __call__(self, form, field):
        return None


# As portal.core.forms refuses them in every declared text field.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _length(n):
    return Length(max=n, message=_l("Use at most %(max)d characters."))


HINTS = {
    "roles": _l("E.g. cleaners for offices, 2 shop assistants for the deli counter."),
    "employer_contribution": _l("E.g. present the company, interview on the spot, show the "
                                "workplace."),
    "languages": _l("E.g. Swedish, Arabic, English."),
    "skill": _l("E.g. professional cleaning (lokalvård), forklift licence, food hygiene."),
    "max_weeks": _l("The longest course you can wait for, e.g. 14."),
    "hires": _l("If you can say already."),
    "tasks": _l("What the person will do day to day."),
    "supervisor_name": _l("Needed if you have a trained supervisor."),
    "details": _l("Anything that helps us, e.g. working hours, dress code, start-up days."),
    "needs": _l("Link the request to the needs you have recorded, if any."),
}


def _make(kind: RequestKind, name: str):
    label = fields.label(kind, name)
    validators = [RequiredToSubmit()] if name in fields.required(kind) else []
    hint = HINTS.get(name)
    if name in ("roles", "employer_contribution", "tasks", "details"):
        size = {"roles": 500, "employer_contribution": 1000, "tasks": 1000, "details": 2000}
        return TextAreaField(label, validators=[*validators, Optional(), _length(size[name])],
                             description=hint)
    if name in ("languages", "skill", "workplace_address", "supervisor_name"):
        size = {"languages": 200, "skill": 200, "workplace_address": 200,
                "supervisor_name": 120}
        return StringField(label, validators=[*validators, Optional(), _length(size[name])],
                           description=hint)
    if name == "headcount":
        return WholeNumberField(label, validators=[*validators, Optional(),
                                                   NumberRange(1, 500)], description=hint)
    if name == "hires":
        return WholeNumberField(label, validators=[Optional(), NumberRange(0, 500)],
                                description=hint)
    if name == "max_weeks":
        return WholeNumberField(label, validators=[*validators, Optional(), NumberRange(1, 52)],
                                description=hint)
    if name == "hours_per_week":
        return WholeNumberField(label, validators=[*validators, Optional(), NumberRange(1, 40)],
                                description=hint)
    if name in ("period_start", "period_end", "preferred_start"):
        return DayField(label, validators=[*validators, Optional(), DateWithin()],
                        description=hint)
    if name in ("guaranteed_interviews", "hosts_practical"):
        return BooleanField(label)
    if name == "venue":
        return ChoiceRadio(label, choices=[], validators=validators)
    if name == "placement_type":
        return ChoiceRadio(label, choices=[], validators=validators)
    if name == "supervisor_status":
        return ChoiceRadio(label, choices=[], validators=validators)
    if name == "topics":
        return CheckboxListField(label, choices=[], validators=validators, description=hint)
    raise KeyError(name)


class RequestFormBase(BaseForm):
    kind: RequestKind
    needs = CheckboxListField(fields.LABELS["needs"], choices=[], description=HINTS["needs"])
    version_id = VersionField(required=False)  # new requests have none yet
    submission_key = SubmissionKeyField()
    # The button pressed: "draft" or "submit" (a button, never a hidden input).
    action = StringField()

    def __init__(self, *args, need_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.needs.choices = [(str(n.id), _need_label(n)) for n in need_choices]
        if not self.needs.choices:
            del self.needs
        for name, enum in (("venue", Venue), ("placement_type", PlacementType),
                           ("supervisor_status", SupervisorStatus)):
            if name in self._fields:
                self._fields[name].choices = enum.choices()
        if "topics" in self._fields:
            self._fields["topics"].choices = MentorTopic.choices()

    @property
    def field_names(self) -> tuple[str, ...]:
        return fields.names(self.kind)

    def values(self) -> dict:
        return {name: self._fields[name].data for name in self.field_names}

    def need_ids(self) -> list[str]:
        return list(self.needs.data or []) if "needs" in self._fields else []

    def validate_period_end(self, field):
        start = self._fields.get("period_start")
        if field.data and start is not None and start.data and field.data < start.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


def _need_label(need) -> str:
    return f"{need.occupation_label} – {need.headcount} · {need.timeframe_enum.label}"


FORMS: dict[RequestKind, type[RequestFormBase]] = {}
for _kind in RequestKind:
    attrs = {"kind": _kind, **{n: _make(_kind, n) for n in fields.names(_kind)}}
    FORMS[_kind] = type(f"{_kind.name.title().replace('_', '')}Form", (RequestFormBase,), attrs)


def form_for(kind: RequestKind, *args, **kwargs) -> RequestFormBase:
    return FORMS[kind](*args, **kwargs)


class WithdrawForm(BaseForm):
    version_id = VersionField()
    reason = TextAreaField(_l("Why are you withdrawing it? (optional)"),
                           validators=[Optional(), _length(2000)])


class MessageForm(BaseForm):
    body = TextAreaField(_l("Message"), validators=[
        InputRequired(_l("Write a message.")), _length(5000)])


class NoteForm(BaseForm):
    # Its own id: the staff page shows this form beside the message form.
    body = TextAreaField(_l("Internal note"), id="note-body", validators=[
        InputRequired(_l("Write a note.")), _length(5000)],
        description=_l("Only staff see internal notes; the employer never does."))


class TransitionForm(BaseForm):
    """A staff move; field comments come as comment-<field> inputs."""

    to = SelectField(choices=[], validators=[InputRequired()])
    version_id = VersionField()
    reason = TextAreaField(_l("Reason or comment to the employer"),
                           validators=[Optional(), _length(2000)])

    def __init__(self, *args, moves=(), **kwargs):
        self._comments: list[str] = []
        super().__init__(*args, **kwargs)
        self.to.choices = [(m.value, m.label) for m in moves]

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        # The comment-<field> inputs are read by the view, not declared here: keep
        # them to hold them to the same rule as every other text field.
        formdata = self.meta.wrap_formdata(self, formdata)
        if formdata is not None:
            self._comments = [value for key in formdata if key.startswith("comment-")
                              for value in formdata.getlist(key)]
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if any(not isinstance(v, str) or _CONTROL.search(v) for v in self._comments):
            self.form_errors.append(_l("Remove the invisible control characters from the "
                                       "text."))
            return False
        return valid

    @property
    def target(self) -> RequestState:
        return RequestState(self.to.data)


class AssignForm(BaseForm):
    """"me", "none" or a staff user's id; checked by the view."""

    assignee = StringField(validators=[InputRequired(), Length(max=12)])
    version_id = StringField(validators=[Optional(), Length(max=12)])


class BulkForm(BaseForm):
    """"assign:me", "assign:none", "assign:<id>" or "state:<state>"; ids come as a list."""

    bulk_action = StringField(validators=[InputRequired(), Length(max=40)])
    confirm = StringField(validators=[Optional(), Length(max=3)])
