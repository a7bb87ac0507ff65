"""Mentor training: staff plan sessions and run them; supervisors sign up on their own page;
an employer's admin signs the organisation's supervisors up."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal.core import idempotency
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.forms import CsrfOnlyForm, save_versioned
from portal.core.permissions import Access, access
from portal.employers import permissions as employer_perm
from portal.employers.models import Organisation
from portal.extensions import db, htmx
from portal.mentor_training import permissions as perm
from portal.mentor_training import services
from portal.mentor_training.enums import SeatStatus, SessionState
from portal.mentor_training.forms import (
    CancelSessionForm,
    EditSessionForm,
    EmployerSignUpForm,
    HeldForm,
    NewSessionForm,
    SignUpForm,
)
from portal.mentor_training.models import MentorSession
from portal.supervisors.models import Supervisor

bp = Blueprint("mentor_training", __name__)

# The attendance sheet's answers: not recorded yet, came, did not come.
MARKS = {"": None, "yes": True, "no": False}


def _session(session_id: int) -> MentorSession:
    session = services.get(session_id)
    if session is None:
        abort(404)
    return session


def _top(session: MentorSession, anchor: str = "") -> str:
    return url_for(".detail", session_id=session.id) + anchor


def _ics(session: MentorSession) -> Response:
    body = services.ics(session, host=request.host.split(":")[0] or "portal")
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="mentor-training-{session.id}.ics"'})


# --- staff: the list and the session ------------------------------------------------------------

@bp.get("/staff/mentor-training/")
@access(Access.STAFF)
def index():
    filters = services.Filters.from_args(request.args)
    page = services.staff_list(filters, current_app.config["PAGE_SIZE"])
    context = {"page": page, "filters": filters, "states": list(SessionState),
               "counts": services.counts(s.id for s in page.items)}
    if htmx and htmx.target == "sessions":
        response = current_app.make_response(render_block("mentor_training/index.html",
                                                          "sessions", **context))
    else:
        response = current_app.make_response(render_template("mentor_training/index.html",
                                                              **context))
    response.vary.add("HX-Request")
    return response


@bp.route("/staff/mentor-training/new", methods=["GET", "POST"])
@access(Access.STAFF)
def new():
    """From scratch (an open session), or answering a mentor-training request
    (?request_id=): then the session is for that request's organisation."""
    raw = request.args.get("request_id", "")
    answering = services.mentor_request(int(raw)) \
        if raw.isdecimal() and len(raw) < 10 else None
    if raw and answering is None:
        flash(_("That request is not an open request for mentor training; the session "
                "will be open to all."), "error")
    form = NewSessionForm()
    if request.method == "GET":
        form.capacity.data = 12
        if answering is not None:
            form.topics.data = list(answering.topics or [])
            form.title.data = _("Mentor training for %(org)s",
                                org=answering.organisation.name)[:120]
    if form.is_submitted():
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    if form.validate_on_submit():
        done = idempotency.claim(form.submission_key.data, user_id=current_user.id)
        if done:
            return redirect(done)
        try:
            session = services.create_session(values=form.values(), actor=current_user,
                                              request=answering)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            target = _top(session)
            idempotency.finish(form.submission_key.data, target)
            flash(_("The mentor training “%(title)s” is planned.", title=session.title),
                  "success")
            return redirect(target)
    return render_template("mentor_training/form.html", form=form, session=None,
                           answering=answering), 422 if form.errors else 200


@bp.get("/staff/mentor-training/<int:session_id>")
@access(Access.STAFF)
def detail(session_id: int, cancel_form=None, held_form=None, sign_up_form=None,
           status=200):
    session = _session(session_id)
    today = local_today()
    if cancel_form is None:
        cancel_form = CancelSessionForm(formdata=None)
        cancel_form.version_id.data = str(session.version_id)
    if held_form is None:
        held_form = HeldForm(formdata=None)
        held_form.version_id.data = str(session.version_id)
    upcoming = services.is_upcoming(session, today)
    if sign_up_form is None:
        sign_up_form = SignUpForm(formdata=None, supervisors=services.supervisors_to_sign_up(
            session) if upcoming else [])
    seats = services.seats_of(session)
    waiting = [s for s in seats if s.status_enum == SeatStatus.WAITLISTED]
    return render_template(
        "mentor_training/detail.html", session=session, today=today, upcoming=upcoming,
        booked=[s for s in seats if s.status_enum == SeatStatus.BOOKED], waiting=waiting,
        cancelled=[s for s in seats if s.status_enum == SeatStatus.CANCELLED],
        cancel_form=cancel_form, held_form=held_form, sign_up_form=sign_up_form,
        can_cancel=session.state_enum == SessionState.PLANNED,
        can_mark_held=services.can_mark_held(session, today),
        attendance_open=services.attendance_open(session, today),
        topics=services.topic_labels(session), history=services.history(session),
        button_form=CsrfOnlyForm()), status


@bp.route("/staff/mentor-training/<int:session_id>/edit", methods=["GET", "POST"])
@access(Access.STAFF)
def edit(session_id: int):
    session = _session(session_id)
    if session.state_enum != SessionState.PLANNED:
        flash(_("A session that is “%(state)s” cannot be changed.",
                state=session.state_enum.label), "error")
        return redirect(_top(session))
    form = EditSessionForm(obj=session if request.method == "GET" else None)
    if request.method == "GET":
        form.version_id.data = str(session.version_id)
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: services.update_session(
            session, values=form.values(), actor=current_user,
            expected_version=form.version_id.version), session)
        if status is None:
            flash(_("The session is saved."), "success")
            return redirect(_top(session))
    return render_template("mentor_training/form.html", form=form, session=session,
                           answering=None), status or (422 if form.errors else 200)


def _move(session_id: int, to: SessionState, form, field: str):
    """Cancel or mark held: the form's errors are shown on the session's page."""
    session = _session(session_id)
    if form.validate_on_submit():
        reason = form.reason.data if to == SessionState.CANCELLED else ""
        try:
            services.transition(session, to, actor=current_user, reason=reason,
                                expected_version=form.version_id.version)
        except ConflictError as exc:
            db.session.rollback()  # the session is read afresh: its version is shown
            form.add_error(None, exc.message)
            form.version_id.data = str(_session(session_id).version_id)
            return detail(session_id, status=409, **{field: form})
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form else None, exc.message)
        else:
            flash(_("The session is now “%(state)s”.", state=to.label), "success")
            return redirect(_top(session))
    return detail(session_id, status=422, **{field: form})


@bp.post("/staff/mentor-training/<int:session_id>/cancel")
@access(Access.STAFF)
def cancel(session_id: int):
    return _move(session_id, SessionState.CANCELLED, CancelSessionForm(), "cancel_form")


@bp.post("/staff/mentor-training/<int:session_id>/held")
@access(Access.STAFF)
def mark_held(session_id: int):
    return _move(session_id, SessionState.HELD, HeldForm(), "held_form")


# --- staff: seats ---------------------------------------------------------------------------------

@bp.post("/staff/mentor-training/<int:session_id>/seats")
@access(Access.STAFF)
def sign_up(session_id: int):
    session = _session(session_id)
    known = {str(s.id): s for s in services.supervisors_to_sign_up(session)}
    form = SignUpForm(supervisors=known.values())
    if form.validate_on_submit():
        supervisor = known[form.supervisor_id.data]
        try:
            seat = services.sign_up(session, supervisor, actor=current_user)
        except DomainError as exc:
            form.add_error("supervisor_id", exc.message)
        else:
            if seat.status_enum == SeatStatus.BOOKED:
                flash(_("%(name)s has a place.", name=supervisor.full_name), "success")
            else:
                flash(_("All places are booked: %(name)s is on the waiting list.",
                        name=supervisor.full_name), "success")
            return redirect(_top(session, "#seats-title"))
    return detail(session_id, sign_up_form=form, status=422)


@bp.post("/staff/mentor-training/<int:session_id>/seats/<int:supervisor_id>/cancel")
@access(Access.STAFF)
def cancel_seat(session_id: int, supervisor_id: int):
    session = _session(session_id)
    supervisor = db.session.get(Supervisor, supervisor_id)
    if supervisor is None:
        abort(404)
    if not CsrfOnlyForm().validate_on_submit():
        flash(_("Reload the page and try again."), "error")
        return redirect(_top(session))
    try:
        moved = services.cancel_seat(session, supervisor, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(_top(session, "#seats-title"))
    flash(_("The place of %(name)s is cancelled.", name=supervisor.full_name), "success")
    if moved is not None:
        flash(_("%(name)s moved up from the waiting list and is mailed.",
                name=moved.supervisor.full_name), "success")
    return redirect(_top(session, "#seats-title"))


@bp.route("/staff/mentor-training/<int:session_id>/attendance", methods=["GET", "POST"])
@access(Access.STAFF)
def attendance_sheet(session_id: int):
    """Who came: one row per booked place; a plain form of parallel lists."""
    session = _session(session_id)
    if not services.attendance_open(session):
        flash(_("Attendance is recorded once the session is held or its day has come."),
              "error")
        return redirect(_top(session))
    seats = services.booked_seats(session)
    errors: list[tuple[str, str]] = []
    typed: dict[int, str] = {}
    if request.method == "POST":
        if not CsrfOnlyForm().validate_on_submit():
            errors.append(("", _("Reload the page and try again.")))
        ids, marks = request.form.getlist("seat_id"), request.form.getlist("attended")
        known = {str(s.id) for s in seats}
        if len(ids) != len(marks) or not set(ids) <= known or len(set(ids)) != len(ids):
            errors.append(("", _("Reload the page and try again.")))
        else:
            for sid, mark in zip(ids, marks, strict=True):
                typed[int(sid)] = mark
                if mark not in MARKS:
                    errors.append((f"attended-{sid}", _("Choose whether they came.")))
        if not errors:
            try:
                changed = services.save_attendance(
                    session, {sid: MARKS[mark] for sid, mark in typed.items()},
                    actor=current_user)
            except DomainError as exc:
                db.session.rollback()
                errors.append(("", exc.message))
                seats = services.booked_seats(session)
            else:
                flash(ngettext("Attendance saved: %(num)d row changed.",
                               "Attendance saved: %(num)d rows changed.", changed), "success")
                return redirect(url_for(".attendance_sheet", session_id=session.id))
    current = {s.id: next(k for k, v in MARKS.items() if v is s.attended) for s in seats}
    return render_template("mentor_training/attendance.html", session=session, seats=seats,
                           errors=errors, error_fields={f for f, _m in errors},
                           current={**current, **typed}), 422 if errors else 200


@bp.get("/staff/mentor-training/<int:session_id>.ics")
@access(Access.STAFF)
def calendar(session_id: int):
    return _ics(_session(session_id))


# --- supervisors: their own page ----------------------------------------------------------------

def _supervisor_home() -> str:
    """The supervisor's own page (the supervisors package's), where these buttons are."""
    return url_for("supervisors.home")


def _visible(session_id: int) -> tuple[Supervisor, MentorSession]:
    supervisor = current_user.supervisor
    session = services.get(session_id)
    if session is None or not services.visible_to(session, supervisor):
        abort(404)
    return supervisor, session


@bp.post("/supervisor/mentor-training/<int:session_id>/sign-up")
@access(Access.SUPERVISOR)
def supervisor_sign_up(session_id: int):
    supervisor, session = _visible(session_id)
    if not CsrfOnlyForm().validate_on_submit():
        flash(_("Reload the page and try again."), "error")
        return redirect(_supervisor_home())
    try:
        seat = services.sign_up(session, supervisor, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        if seat.status_enum == SeatStatus.BOOKED:
            flash(_("You have a place at “%(title)s”. A confirmation is on its way by "
                    "mail.", title=session.title), "success")
        else:
            flash(_("All places at “%(title)s” are booked: you are on the waiting list, "
                    "number %(place)d.", title=session.title,
                    place=services.place_in_line(seat)), "success")
    return redirect(_supervisor_home())


@bp.post("/supervisor/mentor-training/<int:session_id>/cancel")
@access(Access.SUPERVISOR)
def supervisor_cancel(session_id: int):
    supervisor, session = _visible(session_id)
    if not CsrfOnlyForm().validate_on_submit():
        flash(_("Reload the page and try again."), "error")
        return redirect(_supervisor_home())
    try:
        services.cancel_seat(session, supervisor, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("You are no longer signed up for “%(title)s”.", title=session.title),
              "success")
    return redirect(_supervisor_home())


@bp.get("/supervisor/mentor-training/<int:session_id>.ics")
@access(Access.SUPERVISOR)
def supervisor_calendar(session_id: int):
    _supervisor, session = _visible(session_id)
    return _ics(session)


# --- employers: the organisation's admin ------------------------------------------------------

@bp.route("/organisations/<int:org_id>/mentor-training", methods=["GET", "POST"])
@access(Access.EMPLOYER)
def employer_index(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    employer_perm.require(perm.can_sign_up_for(current_user, org))
    sessions, seats, counts = services.employer_overview(org)
    supervisors = services.organisation_supervisors(org)
    form = EmployerSignUpForm(sessions=sessions, supervisors=supervisors)
    if form.validate_on_submit():
        session = next(s for s in sessions if str(s.id) == form.session_id.data)
        supervisor = next(s for s in supervisors if str(s.id) == form.supervisor_id.data)
        try:
            seat = services.sign_up(session, supervisor, actor=current_user)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            if seat.status_enum == SeatStatus.BOOKED:
                flash(_("%(name)s has a place at “%(title)s” and is mailed a confirmation.",
                        name=supervisor.full_name, title=session.title), "success")
            else:
                flash(_("All places at “%(title)s” are booked: %(name)s is on the waiting "
                        "list and is mailed about it.", name=supervisor.full_name,
                        title=session.title), "success")
            return redirect(url_for(".employer_index", org_id=org.id))
    return render_template("mentor_training/employer_index.html", organisation=org,
                           sessions=sessions, seats=seats, counts=counts,
                           supervisors=supervisors, form=form,
                           topics={s.id: services.topic_labels(s) for s in sessions}), \
        422 if form.errors else 200
