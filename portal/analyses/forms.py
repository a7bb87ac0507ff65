"""Forms for needs analyses. Lines are small prefixed forms (line-0-…, line-1-…) so each
field has its own id for the error summary, and rows can be added without JavaScript."""

from __future__ import annotations

import re

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.analyses.enums import RecommendedAction, ResponseKind
from portal.analyses.services import MAX_LINES
from portal.core.dates import local_today
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
from portal.employers.enums import NeedTimeframe
from portal.employers.forms import _occupation_choices

_LINE_KEY = re.compile(r"^line-(\d{1,2})-")
BLANK_LINES = 2


class DateBetween:
    """A plausible date: not more than ``back`` years ago nor ``ahead`` years ahead."""

    def __init__(self, back: int, ahead: int):
        self.back, self.ahead = back, ahead

    def __call__(self, form, field):
        if field.data is None:
            return
        year = local_today().year
        if not year - self.back <= field.data.year <= year + self.ahead:
            raise ValidationError(_l("Choose a date between %(first)d and %(last)d.",
                                     first=year - self.back, last=year + self.ahead))




def _area(label, max_len, **kw):
    return TextAreaField(label, validators=[Optional(), Length(
        max=max_len, message=_l("Use at most %(max)d characters."))], **kw)


class StartForm(BaseForm):
    submission_key = SubmissionKeyField()
    meeting_date = DayField(_l("Meeting date"), validators=[Optional(), DateBetween(2, 1)],
                            description=_l("If the meeting is booked or held. YYYY-MM-DD."))
    request_ids = CheckboxListField(_l("Requests it answers"), choices=[], coerce=str)
    need_ids = CheckboxListField(_l("Hiring needs it covers"), choices=[], coerce=str,
                                 description=_l("Each need becomes a line you can edit."))

    def __init__(self, *args, requests=(), needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.request_ids.choices = [(str(r.id), f"{r.reference} – {r.kind_enum.label}")
                                    for r in requests]
        self.need_ids.choices = [(str(n.id), f"{n.occupation_label}: {n.headcount} "
                                  f"({n.timeframe_enum.label})") for n in needs]

    def ids(self, field) -> list[int]:
        return [int(v) for v in field.data or [] if v.isdecimal() and len(v) < 10]


class LineForm(BaseForm):
    class Meta:
        csrf = False

    occupation_code = SelectField(_l("Occupation"), choices=[])
    occupation_other = _text(_l("Other occupation"), 120)
    headcount = WholeNumberField(_l("Number of people"),
                                 validators=[Optional(), NumberRange(1, 500)])
    timeframe = SelectField(_l("When"), choices=[])
    requirements = _text(_l("Requirements"), 500,
                         description=_l("E.g. Swedish for everyday work, B licence."))
    training_needed = BooleanField(_l("Training needed"))
    remove = BooleanField(_l("Remove this line"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.occupation_code.choices = _occupation_choices()
        self.timeframe.choices = [("", _l("Choose…")), *NeedTimeframe.choices()]

    @property
    def blank(self) -> bool:
        return not (self.occupation_code.data or self.headcount.data is not None
                    or self.headcount.raw_data or self.occupation_other.data
                    or self.requirements.data or self.timeframe.data
                    or self.training_needed.data)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.remove.data or self.blank:
            return True
        needed = ((self.occupation_code, _l("Choose an occupation.")),
                  (self.headcount, _l("Enter how many people.")),
                  (self.timeframe, _l("Choose when they are needed.")))
        for field, message in needed:
            if field.data in (None, "") and not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        if self.occupation_code.data == "other" and not self.occupation_other.data:
            self.occupation_other.errors = [*self.occupation_other.errors,
                                            _l("Describe the occupation.")]
            valid = False
        return valid

    def values(self) -> dict:
        return {"occupation_code": self.occupation_code.data,
                "occupation_other": self.occupation_other.data or "",
                "headcount": self.headcount.data, "timeframe": self.timeframe.data,
                "requirements": self.requirements.data or "",
                "training_needed": bool(self.training_needed.data)}


class AnalysisForm(BaseForm):
    version_id = VersionField()
    meeting_date = DayField(_l("Meeting date"), validators=[Optional(), DateBetween(2, 1)])
    participants = _text(_l("Who took part"), 500,
                         description=_l("Names and roles, from the employer and from us."))
    skills_gaps = _area(_l("Skills gaps"), 4000,
                        description=_l("What the people you could hire lack today, e.g. "
                                       "hygiene routines, Swedish for the job, forklift "
                                       "licence."))
    actions = CheckboxListField(_l("Recommended actions"), choices=[], coerce=str)
    actions_note = _area(_l("More about the actions"), 2000)
    follow_up_date = DayField(_l("Follow-up date"), validators=[Optional(), DateBetween(1, 3)])

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions.choices = RecommendedAction.choices()
        self.lines: list[LineForm] = []
        if lines is not None:  # a GET: the saved lines and a few blank ones
            for i, values in enumerate([*lines, *([{}] * BLANK_LINES)]):
                self.lines.append(LineForm(prefix=f"line-{i}", formdata=None, data=values))
        else:
            found = sorted({int(m.group(1)) for key in request.form
                            if (m := _LINE_KEY.match(key))})
            self.lines = [LineForm(prefix=f"line-{i}") for i in found]

    def can_add_line(self) -> bool:
        return len(self.lines) < MAX_LINES

    def add_blank_line(self) -> None:
        taken = {int(f.occupation_code.name.split("-")[1]) for f in self.lines}
        self.lines.append(LineForm(prefix=f"line-{max(taken, default=-1) + 1}", formdata=None))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for line in self.lines:
            valid = line.validate() and valid
        if len(self.kept_lines()) > MAX_LINES:
            self.form_errors.append(_l("An analysis holds at most %(max)d lines.",
                                       max=MAX_LINES))
            valid = False
        meeting, follow_up = self.meeting_date.data, self.follow_up_date.data
        if meeting and follow_up and follow_up <= meeting and not self.follow_up_date.errors:
            self.follow_up_date.errors = [*self.follow_up_date.errors,
                                          _l("The follow-up comes after the meeting.")]
            valid = False
        return valid

    def kept_lines(self) -> list[LineForm]:
        return [f for f in self.lines if not f.remove.data and not f.blank]

    def line_values(self) -> list[dict]:
        return [f.values() for f in self.kept_lines()]

    def header_values(self) -> dict:
        return {"meeting_date": self.meeting_date.data, "participants": self.participants.data,
                "skills_gaps": self.skills_gaps.data, "actions": self.actions.data or [],
                "actions_note": self.actions_note.data,
                "follow_up_date": self.follow_up_date.data}

    def add_error(self, field_name, message):
        if field_name and field_name.startswith("line-"):
            prefix, _, name = field_name.rpartition("-")
            # Errors from the service use the saved (kept) line's index.
            kept = self.kept_lines()
            index = int(prefix.split("-")[1]) if prefix.split("-")[1].isdecimal() else -1
            if 0 <= index < len(kept) and name in kept[index]._fields:
                field = kept[index]._fields[name]
                field.errors = [*field.errors, message]
                return
        if field_name == "lines":
            field_name = None
        super().add_error(field_name, message)

    @property
    def all_errors(self):
        found = super().all_errors
        for line in self.lines:
            found.extend(line.all_errors)
        return found


class ActionForm(BaseForm):
    """Finalise, start a new version or discard the draft: only the version travels."""

    version_id = VersionField()


class RespondForm(BaseForm):
    kind = ChoiceRadio(_l("Your answer"), choices=[], validators=[
        InputRequired(_l("Choose whether you confirm or comment."))])
    comment = _area(_l("Comment"), 2000,
                    description=_l("What is missing or wrong? Optional when you confirm."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = ResponseKind.choices()
