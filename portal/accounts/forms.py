from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, ValidationError

from portal.accounts.enums import NotifyByMail, Role
from portal.core.fields import ChoiceRadio
from portal.core.forms import _CONTROL, BaseForm
from portal.core.idempotency import SubmissionKeyField
from portal.core.permissions import is_safe_next

LANGUAGE_CHOICES = [("sv", "Svenska"), ("en", "English"), ("da", "Dansk")]


def email_field(label=None):
    return EmailField(label or _l("E-mail address"), validators=[
        InputRequired(_l("Enter your e-mail address.")),
        Length(max=254, message=_l("Use at most %(max)d characters.")),
        Email(_l("Enter an e-mail address like name@example.se."),
              check_deliverability=False),
    ], render_kw={"autocomplete": "email", "spellcheck": "false"})


def new_password_field(label=None):
    return PasswordField(label or _l("Password"), validators=[
        InputRequired(_l("Choose a password.")),
    ], description=_l("At least 12 characters. Several unrelated words are easy to remember "
                      "and hard to guess."), render_kw={"autocomplete": "new-password"})


class SamePassword:
    def __call__(self, form, field):
        if field.data != form.password.data:
            raise ValidationError(_l("The passwords are not the same."))


def repeat_password_field():
    return PasswordField(_l("Repeat the password"), validators=[
        InputRequired(_l("Repeat the password.")), SamePassword(),
    ], render_kw={"autocomplete": "new-password"})


def name_field(label=None):
    return StringField(label or _l("Your name"), validators=[
        InputRequired(_l("Enter your name.")),
        Length(max=120, message=_l("Use at most %(max)d characters.")),
    ], render_kw={"autocomplete": "name"})


def _usable_next(value):
    """Where to go after logging in, or "" for the start page.

    The field is hidden, so an error on it could never be corrected: a target
    that cannot be followed (e.g. /login?next=/x%1b) is dropped instead of
    making every login attempt from that page fail."""
    if isinstance(value, str) and is_safe_next(value) and not _CONTROL.search(value):
        return value
    return ""


class LoginForm(BaseForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField(filters=[_usable_next])


class EmailOnlyForm(BaseForm):
    email = email_field()


class ResetPasswordForm(BaseForm):
    password = new_password_field(_l("New password"))
    password_repeat = repeat_password_field()


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[
        InputRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"})
    password = new_password_field(_l("New password"))
    password_repeat = repeat_password_field()


class ProfileForm(BaseForm):
    full_name = name_field()
    locale = SelectField(_l("Language for the portal and for mail"), choices=LANGUAGE_CHOICES,
                         validators=[InputRequired()])


class StaffProfileForm(ProfileForm):
    """Staff also choose whether notifications come by mail (employers do not see it)."""

    notify_by_mail = ChoiceRadio(
        _l("Notifications by mail"), choices=NotifyByMail.choices,
        validators=[InputRequired(_l("Choose whether notifications also come by mail."))],
        description=_l("You are notified when a request is given to you and when an "
                       "employer writes on, or sends in again, a request you handle. The "
                       "notifications always show under “Notifications” in the portal; "
                       "choose whether you also get a mail each time."))


class StaffCreateForm(BaseForm):
    submission_key = SubmissionKeyField()
    full_name = name_field(_l("Name"))
    email = email_field()
    role = SelectField(_l("Role"), validators=[InputRequired(_l("Choose a role."))])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, r.label) for r in (Role.STAFF, Role.STAFF_MANAGER,
                                                           Role.ADMIN)]


class StaffEditForm(BaseForm):
    role = SelectField(_l("Role"), validators=[InputRequired(_l("Choose a role."))])
    active = BooleanField(_l("The account is active (can log in)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, r.label) for r in (Role.STAFF, Role.STAFF_MANAGER,
                                                           Role.ADMIN)]
