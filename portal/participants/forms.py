from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from portal.core.fields import CheckboxListField
from portal.core.fields import text_field as _text
from portal.core.forms import BaseForm, VersionField
from portal.core.idempotency import SubmissionKeyField
from portal.employers.enums import DrivingLicence, Sector


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
    profile_note = TextAreaField(_l("Note for matching"), validators=[
        Optional(), Length(max=1000, message=_l("Use at most %(max)d characters."))],
        description=_l("Only what matters for finding the right measure, e.g. "
                       "“can work evenings, not heavy lifting”. No health details."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.driving_licence.choices = DrivingLicence.choices()
        self.sectors.choices = Sector.choices()

    def values(self) -> dict:
        from portal.participants.services import FIELDS

        return {name: self[name].data for name in FIELDS}


class NewParticipantForm(ParticipantFields):
    submission_key = SubmissionKeyField()


class EditParticipantForm(ParticipantFields):
    version_id = VersionField()
