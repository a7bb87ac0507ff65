from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.accounts import services, tokens
from portal.accounts.forms import (
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    StaffProfileForm,
)
from portal.core.errors import DomainError
from portal.core.permissions import Access, access, safe_next
from portal.extensions import limiter

bp = Blueprint("accounts", __name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def log_in(user) -> None:
    """Start a server-side session and give the browser a fresh cookie for it."""
    session.clear()
    services.start_session(user, request.user_agent.string)
    login_user(user)
    session["lang"] = user.locale


@bp.route("/login", methods=["GET", "POST"])
@access(Access.PUBLIC)
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("core.index"))
    unconfirmed = False
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.LoginRefused as exc:
            form.add_error(None, exc.message)
            unconfirmed = exc.reason == "unconfirmed"
        else:
            log_in(user)
            return redirect(safe_next(form.next.data, url_for("core.index")))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/login.html", form=form, unconfirmed=unconfirmed), status


@bp.post("/logout")
@access(Access.USER)
def logout():
    services.end_session(current_user.auth_session)
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.get("/confirm/<token>")
@access(Access.PUBLIC)
def confirm_email(token: str):
    try:
        user = services.confirm_email(token)
    except tokens.TokenExpired:
        flash(_("The link has expired. Ask for a new one below."), "error")
        return redirect(url_for("accounts.resend_confirmation"))
    except tokens.TokenInvalid:
        flash(_("The link is not valid, or your address is already confirmed. "
                "Try logging in."), "error")
        return redirect(url_for("accounts.login"))
    flash(_("Thank you, %(email)s is confirmed. You can now log in.", email=user.email),
          "success")
    return redirect(url_for("accounts.login"))


@bp.route("/confirm", methods=["GET", "POST"])
@access(Access.PUBLIC)
@limiter.limit(_login_limit, methods=["POST"])
def resend_confirmation():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = services.get_by_email(form.email.data)
        if user is not None and user.email_confirmed_at is None and user.active:
            services.send_confirmation(user)
        flash(_("If the address belongs to an unconfirmed account, a new link is on its way."),
              "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/resend.html", form=form), 422 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@access(Access.PUBLIC)
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If there is an account with that address, we have sent it a link to choose "
                "a new password. The link works for two hours."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access(Access.PUBLIC)
def reset_password(token: str):
    try:
        tokens.load(tokens.RESET, token)
    except tokens.TokenInvalid:
        flash(_("The link has expired or has already been used. Ask for a new one."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your new password is saved. Log in with it."), "success")
            return redirect(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render_template("accounts/reset.html", form=form), status


@bp.route("/account", methods=["GET", "POST"])
@access(Access.USER)
def account():
    # Only staff have the notification setting; the employers' form has no such field.
    form = (StaffProfileForm if current_user.is_staff else ProfileForm)(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, full_name=form.full_name.data,
                                    locale=form.locale.data,
                                    notify_by_mail=form.notify_by_mail.data
                                    if "notify_by_mail" in form else None)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            session["lang"] = current_user.locale
            flash(_("Your details are saved."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form), 422 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
@access(Access.USER)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.password.data)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("Your password is changed. You have been logged out everywhere else."),
                  "success")
            return redirect(url_for("accounts.account"))
    status = 422 if form.errors else 200
    return render_template("accounts/change_password.html", form=form), status


