from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from portal.accounts.forms import (
    LANGUAGE_CHOICES,
    email_field,
    name_field,
    new_password_field,
    repeat_password_field,
)
from portal.core.fields import (
    CheckboxListField,
    ChoiceRadio,
    NumberRange,
    WholeNumberField,
)
from portal.core.fields import text_field as _text
from portal.core.forms import BaseForm, VersionField
from portal.core.idempotency import SubmissionKeyField
from portal.employers import orgnumber
from portal.employers.enums import Country, OrgRole, Sector, SizeBand


class ValidOrgNumber:
    def __call__(self, form, field):
        try:
            orgnumber.parse(form.country.data, field.data or "")
        except orgnumber.InvalidNumber as exc:
            if form.country.data == "DK":
                raise ValidationError(_l("A CVR number has 8 digits, e.g. 13585628. "
                                         "Check that it is typed correctly.")) from exc
            raise ValidationError(_l("An organisation number has 10 digits, e.g. 556036-0793 "
                                     "(a sole trader uses their personal identity "
                                     "number). Check that it is typed correctly.")) from exc




class ProfileFields(BaseForm):
    name = _text(_l("Organisation name"), 160, _l("Enter the organisation's name."),
                 render_kw={"autocomplete": "organization"})
    street_address = _text(_l("Street address"), 160,
                           render_kw={"autocomplete": "street-address"})
    postal_code = StringField(_l("Postal code"), validators=[
        Optional(), Regexp(r"^[0-9 ]{4,6}$", message=_l("Enter a postal code, e.g. 435 33."))],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric"})
    city = _text(_l("City"), 80, render_kw={"autocomplete": "address-level2"})
    municipality = _text(_l("Municipality"), 80, _l("Enter the municipality."))
    sectors = CheckboxListField(_l("Sectors"), choices=[],
                                validators=[InputRequired(_l("Choose at least one sector."))],
                                description=_l("Choose every sector you hire in."))
    size_band = SelectField(_l("Number of employees"), choices=[],
                            validators=[InputRequired(_l("Choose the number of employees."))])
    phone = StringField(_l("Phone"), validators=[
        Optional(), Length(max=40, message=_l("Use at most %(max)d characters.")),
        Regexp(r"^[0-9 +()-]{5,40}$", message=_l("Enter a phone number, e.g. 031-724 61 00."))],
        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    website = URLField(_l("Website"), validators=[
        Optional(), Length(max=200, message=_l("Use at most %(max)d characters.")),
        Regexp(r"^https?://[^\s<>\"']+$", message=_l("Enter an address starting with "
                                                      "https://."))])
    description = TextAreaField(_l("About the organisation"), validators=[
        Optional(), Length(max=2000, message=_l("Use at most %(max)d characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sectors.choices = Sector.choices()
        self.size_band.choices = SizeBand.choices()


class RegisterForm(ProfileFields):
    submission_key = SubmissionKeyField()
    country = SelectField(_l("Country"), choices=[], default="SE")
    org_number = StringField(_l("Organisation number"), validators=[
        InputRequired(_l("Enter the organisation number.")), ValidOrgNumber()],
        description=_l("10 digits, e.g. 556036-0793. Danish organisations: the CVR number."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    full_name = name_field()
    email = email_field(_l("Your work e-mail address"))
    password = new_password_field()
    password_repeat = repeat_password_field()
    locale = SelectField(_l("Language for mail"), choices=LANGUAGE_CHOICES)
    accept_terms = BooleanField(_l("I have read how the portal handles personal data"),
                                validators=[InputRequired(_l("Confirm that you have read "
                                                             "how personal data is handled."))])
    join_existing = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = Country.choices()
        if self.country.data not in {"SE", "DK"}:
            self.country.data = "SE"


class JoinForm(BaseForm):
    """Ask to join an organisation whose number is already registered."""

    submission_key = SubmissionKeyField()
    country = HiddenField()
    org_number = HiddenField()
    full_name = name_field()
    email = email_field(_l("Your work e-mail address"))
    password = new_password_field()
    password_repeat = repeat_password_field()
    locale = SelectField(_l("Language for mail"), choices=LANGUAGE_CHOICES)


class ProfileForm(ProfileFields):
    version_id = VersionField()


class InviteForm(BaseForm):
    submission_key = SubmissionKeyField()
    email = email_field(_l("Your colleague's e-mail address"))
    role = SelectField(_l("Role in the organisation"), choices=[])
    locale = SelectField(_l("Language of the invitation"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = OrgRole.choices()


class AcceptInvitationForm(BaseForm):
    full_name = name_field()
    password = new_password_field()
    password_repeat = repeat_password_field()
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class DecisionForm(BaseForm):
    decision = SelectField(choices=[("approve", "approve"), ("decline", "decline")],
                           validators=[InputRequired()])




# --- hiring needs ------------------------------------------------------------------------

def _occupation_choices():
    from wtforms.fields.choices import SelectChoice

    from portal.employers import occupations

    found = [SelectChoice("", str(_l("Choose an occupation")))]
    for group, items in occupations.grouped_choices():
        found.extend(SelectChoice(code, title, optgroup=str(group)) for code, title in items)
    return found


class NeedForm(BaseForm):
    occupation_code = SelectField(_l("Occupation"), choices=[], validators=[
        InputRequired(_l("Choose an occupation."))],
        description=_l("Occupations with their SSYK 2012 code. Not in the list? Choose "
                       "“Other occupation” at the end and describe it."))
    occupation_other = _text(_l("Other occupation"), 120,
                             description=_l("Only if you chose “Other occupation”."))
    headcount = WholeNumberField(_l("Number of people"), validators=[
        InputRequired(_l("Enter how many people you need.")), NumberRange(1, 500)])
    timeframe = ChoiceRadio(_l("When"), choices=[], validators=[
        InputRequired(_l("Choose when you need them."))])
    employment_form = SelectField(_l("Form of employment"), choices=[], validators=[
        InputRequired(_l("Choose the form of employment."))])
    hours_per_week = WholeNumberField(_l("Hours per week"), validators=[
        Optional(), NumberRange(1, 60)], description=_l("Leave empty if it varies."))
    location = _text(_l("Workplace location"), 160,
                     description=_l("Address or area, e.g. Mölnlycke företagspark."))
    swedish_level = SelectField(_l("Swedish needed"), choices=[], validators=[
        InputRequired(_l("Choose the level of Swedish needed."))])
    driving_licence = SelectField(_l("Driving licence"), choices=[], validators=[
        InputRequired(_l("Choose the driving licence needed."))])
    shift_work = BooleanField(_l("Shift work (evenings, nights or weekends)"))
    physical_demands = SelectField(_l("Physical demands"), choices=[], validators=[
        InputRequired(_l("Choose the physical demands."))])
    other_requirements = TextAreaField(_l("Other requirements"), validators=[
        Optional(), Length(max=500, message=_l("Use at most %(max)d characters."))])
    no_formal_education = BooleanField(_l("The job needs no formal education"),
                                       default=True)
    plus_languages = _text(_l("Languages that are a plus"), 200,
                           description=_l("E.g. Arabic, Somali, Tigrinya."))
    description = TextAreaField(_l("More about the job"), validators=[
        Optional(), Length(max=2000, message=_l("Use at most %(max)d characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.employers.enums import (
            DrivingLicence,
            EmploymentForm,
            NeedTimeframe,
            PhysicalDemands,
            SwedishLevel,
        )

        self.occupation_code.choices = _occupation_choices()
        self.timeframe.choices = NeedTimeframe.choices()
        self.employment_form.choices = EmploymentForm.choices()
        self.swedish_level.choices = SwedishLevel.choices()
        self.driving_licence.choices = DrivingLicence.choices()
        self.physical_demands.choices = PhysicalDemands.choices()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Not an inline validator: Optional() on the field would stop it when empty.
        if self.occupation_code.data == "other" and not self.occupation_other.data:
            self.occupation_other.errors = [*self.occupation_other.errors,
                                            _l("Describe the occupation.")]
            valid = False
        return valid


class NewNeedForm(NeedForm):
    submission_key = SubmissionKeyField()


class EditNeedForm(NeedForm):
    version_id = VersionField()


class NeedStatusForm(BaseForm):
    status = SelectField(choices=[("open", "open"), ("filled", "filled"),
                                  ("archived", "archived")],
                         validators=[InputRequired()])
