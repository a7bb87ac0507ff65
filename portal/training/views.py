"""Cohort trainings: staff plan and run them; employers see theirs and say they are in."""

from __future__ import annotations

from datetime import date

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
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from portal.analyses import demand
from portal.core import idempotency
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.forms import CsrfOnlyForm, save_versioned
from portal.core.permissions import Access, access
from portal.employers import occupations
from portal.employers import permissions as perm
from portal.employers.enums import Sector
from portal.employers.models import Organisation, OrganisationSector
from portal.extensions import db, htmx
from portal.participants import outcomes
from portal.participants.enums import WORK_OR_STUDIES, Checkpoint
from portal.participants.forms import OutcomeForm
from portal.participants.models import Participant
from portal.training import attendance, enrolment, services
from portal.training.enums import CohortState, CommitmentStatus, EnrolmentStatus
from portal.training.forms import (
    CohortTransitionForm,
    CommitmentForm,
    EditCohortForm,
    EnrolForm,
    EnrolmentChangeForm,
    InterestForm,
    NewCohortForm,
)
from portal.training.models import Cohort, Enrolment

bp = Blueprint("training", __name__)
MATCHING_LIMIT = 30


def _cohort(cohort_id: int) -> Cohort:
    cohort = services.get(cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _candidate_orgs(cohort: Cohort) -> list[Organisation]:
    """Organisations staff may record a commitment for: those in the course's sector."""
    return list(db.session.scalars(
        select(Organisation).join(OrganisationSector,
                                  OrganisationSector.organisation_id == Organisation.id)
        .where(OrganisationSector.sector == cohort.sector)
        .order_by(Organisation.name).limit(500)))


# --- staff ------------------------------------------------------------------------------------

@bp.get("/staff/cohorts/")
@access(Access.STAFF)
def index():
    filters = services.Filters.from_args(request.args)
    page = services.staff_list(filters, current_app.config["PAGE_SIZE"])
    context = {"page": page, "filters": filters, "states": list(CohortState),
               "sectors": list(Sector)}
    if htmx and htmx.target == "cohorts":
        return render_block("training/index.html", "cohorts", **context)
    return render_template("training/index.html", **context)


@bp.route("/staff/cohorts/new", methods=["GET", "POST"])
@access(Access.STAFF)
def new():
    """From scratch, from a demand-overview row (?sector=&occupation=), or from requests."""
    row = demand.Filters.from_args(request.args)
    code = (request.args.get("occupation") or "")[:5]
    code = code if code in occupations.CODES or code == occupations.OTHER else None
    other = "".join(ch for ch in (request.args.get("other") or "") if ch.isprintable())[:120]
    requests_ = services.tailored_course_requests(occupation_code=code, occupation_other=other)
    analyses = services.final_analyses()
    form = NewCohortForm(requests=requests_, analyses=analyses)
    if request.method == "GET":
        form.seats.data, form.weeks.data = 15, 14
        form.sector.data = row.sector or (occupations.sector_of(code) if code else None)
        form.occupation_code.data = code
        form.occupation_other.data = other
        if code:
            form.title.data = occupations.label(code, form.occupation_other.data)
        wanted = set(request.args.getlist("request"))
        if code or wanted:  # from a demand row: its course requests are ticked
            form.request_ids.data = [str(r.id) for r in requests_
                                     if not wanted or str(r.id) in wanted]
    if form.is_submitted():
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    if form.validate_on_submit():
        done = idempotency.claim(form.submission_key.data, user_id=current_user.id)
        if done:
            return redirect(done)
        try:
            cohort = services.create_cohort(values=form.values(), actor=current_user,
                                            request_ids=form.ids(form.request_ids),
                                            analysis_ids=form.ids(form.analysis_ids))
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            target = url_for(".detail", cohort_id=cohort.id)
            idempotency.finish(form.submission_key.data, target)
            flash(_("The course “%(title)s” is planned.", title=cohort.title), "success")
            return redirect(target)
    return render_template("training/form.html", form=form, cohort=None,
                           open_requests=requests_, analyses=analyses), \
        422 if form.errors else 200


@bp.get("/staff/cohorts/<int:cohort_id>")
@access(Access.STAFF)
def detail(cohort_id: int, transition_form=None, commitment_form=None, enrol_form=None,
           status=200):
    if request.method == "GET" and enrolment.expire_offers(cohort_id=cohort_id):
        db.session.commit()  # lapsed offers passed on, whatever the page shows next
    cohort = _cohort(cohort_id)
    moves = services.allowed_moves(cohort)
    if transition_form is None:
        transition_form = CohortTransitionForm(moves=moves, formdata=None)
        transition_form.version_id.data = str(cohort.version_id)
    if commitment_form is None:
        orgs = {o.id: o for o in _candidate_orgs(cohort)} | {
            c.organisation_id: c.organisation for c in cohort.commitments}
        chosen = request.args.get("org", "")
        existing = next((c for c in cohort.commitments if str(c.organisation_id) == chosen),
                        None)
        data = ({"organisation_id": chosen, "interviews": existing.interviews,
                 "hires": existing.hires, "hosts_practical": existing.hosts_practical,
                 "note": existing.note} if existing else None)
        commitment_form = CommitmentForm(organisations=orgs.values(), formdata=None,
                                         data=data)
    return render_template("training/detail.html", cohort=cohort, moves=moves,
                           transition_form=transition_form, commitment_form=commitment_form,
                           history=services.history(cohort),
                           enrolments=enrolment.for_cohort(cohort),
                           taken=enrolment.seats_taken(cohort),
                           matching=enrolment.matching(cohort, limit=MATCHING_LIMIT),
                           matching_limit=MATCHING_LIMIT, enrol_form=enrol_form
                           or EnrolForm(formdata=None),
                           change_form=CsrfOnlyForm(), statuses=EnrolmentStatus), status


@bp.route("/staff/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@access(Access.STAFF)
def edit(cohort_id: int):
    cohort = _cohort(cohort_id)
    form = EditCohortForm(obj=cohort if request.method == "GET" else None)
    if request.method == "GET":
        form.version_id.data = str(cohort.version_id)
    status = None
    if form.validate_on_submit():
        status = save_versioned(form, lambda: services.update_cohort(
            cohort, values=form.values(), actor=current_user,
            expected_version=form.version_id.version), cohort)
        if status is None:
            flash(_("The course is saved."), "success")
            return redirect(url_for(".detail", cohort_id=cohort.id))
    return render_template("training/form.html", form=form, cohort=cohort), \
        status or (422 if form.errors else 200)


@bp.post("/staff/cohorts/<int:cohort_id>/transition")
@access(Access.STAFF)
def transition(cohort_id: int):
    cohort = _cohort(cohort_id)
    form = CohortTransitionForm(moves=services.allowed_moves(cohort))
    if form.validate_on_submit():
        to = CohortState(form.to.data)
        try:
            services.transition(cohort, to, actor=current_user, reason=form.reason.data,
                                expected_version=form.version_id.version)
        except ConflictError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for(".detail", cohort_id=cohort_id))
        except DomainError as exc:
            form.add_error(exc.field or "to", exc.message)
        else:
            flash(_("The course is now “%(state)s”.", state=to.label), "success")
            return redirect(url_for(".detail", cohort_id=cohort.id))
    return detail(cohort_id, transition_form=form, status=422)


@bp.post("/staff/cohorts/<int:cohort_id>/commitments")
@access(Access.STAFF)
def commit(cohort_id: int):
    cohort = _cohort(cohort_id)
    orgs = _candidate_orgs(cohort)
    known = {str(o.id): o for o in orgs} | {
        str(c.organisation_id): c.organisation for c in cohort.commitments}
    form = CommitmentForm(organisations=known.values())
    if form.validate_on_submit():
        org = known[form.organisation_id.data]
        try:
            services.set_commitment(cohort, org, actor=current_user,
                                    interviews=form.interviews.data, hires=form.hires.data or 0,
                                    hosts_practical=form.hosts_practical.data,
                                    note=form.note.data)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            flash(_("The commitment of %(org)s is saved.", org=org.name), "success")
            return redirect(url_for(".detail", cohort_id=cohort.id) + "#commitments-title")
    return detail(cohort_id, commitment_form=form, status=422)


@bp.post("/staff/cohorts/<int:cohort_id>/enrolments")
@access(Access.STAFF)
def enrol(cohort_id: int):
    cohort = _cohort(cohort_id)
    form = EnrolForm()
    if form.validate_on_submit():
        participant = enrolment.participant_by_reference(form.case_reference.data)
        if participant is None:
            form.add_error("case_reference", _("No participant has this case reference."))
        else:
            try:
                placed = enrolment.enrol(cohort, participant, actor=current_user)
            except DomainError as exc:
                form.add_error("case_reference", exc.message)
            else:
                if placed.status == EnrolmentStatus.ENROLLED:
                    flash(_("%(name)s is enrolled.", name=participant.full_name), "success")
                else:
                    flash(_("The course is full: %(name)s is on the waiting list.",
                            name=participant.full_name), "success")
                return redirect(url_for(".detail", cohort_id=cohort.id)
                                + "#participants-title")
    return detail(cohort_id, enrol_form=form, status=422)


@bp.post("/staff/cohorts/<int:cohort_id>/enrolments/<int:enrolment_id>")
@access(Access.STAFF)
def change_enrolment(cohort_id: int, enrolment_id: int):
    cohort = _cohort(cohort_id)
    found = db.session.get(Enrolment, enrolment_id)
    if found is None or found.cohort_id != cohort.id:
        abort(404)
    form = EnrolmentChangeForm()
    back = url_for(".detail", cohort_id=cohort.id) + "#participants-title"
    # A refusal goes to the top of the page, where its message is shown.
    top = url_for(".detail", cohort_id=cohort.id)
    if not form.validate_on_submit():
        flash(" ".join(str(m) for _f, m in form.all_errors), "error")
        return redirect(top)
    try:
        offered = enrolment.change(found, form.action.data, actor=current_user,
                                   on=form.on.data, reason=form.reason.data,
                                   expected_version=form.version_id.version)
    except DomainError as exc:
        db.session.rollback()
        flash(_("%(name)s: %(problem)s", name=found.participant.full_name,
                problem=exc.message), "error")
        return redirect(top)
    flash(_("Saved: %(name)s – %(status)s.", name=found.participant.full_name,
            status=found.status_enum.label), "success")
    if offered is not None:
        flash(_("The free seat is offered to %(name)s, who has until %(date)s to answer.",
                name=offered.participant.full_name, date=format_date(offered.reply_by)),
              "success")
    return redirect(back)


@bp.route("/staff/cohorts/<int:cohort_id>/attendance", methods=["GET", "POST"])
@access(Access.STAFF)
def attendance_sheet(cohort_id: int):
    """One week's hours per participant; a plain form, one row per person."""
    cohort = _cohort(cohort_id)
    if cohort.state_enum not in attendance.RECORDED_STATES:
        flash(_("Attendance is recorded while the course runs."), "error")
        return redirect(url_for(".detail", cohort_id=cohort.id))
    course_weeks = attendance.weeks(cohort)
    raw_week = (request.values.get("week") or "")[:10]
    try:
        week = attendance.monday(date.fromisoformat(raw_week))
    except ValueError:
        week = attendance.monday(min(max(local_today(), cohort.start_date), cohort.end_date))
    if week not in course_weeks:
        week = course_weeks[0]
    people = attendance.enrolments_in_week(cohort, week)
    saved = attendance.recorded(people, week)
    form = CsrfOnlyForm()
    errors: list[tuple[str, str]] = []
    typed: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            errors.append(("", _("Reload the page and try again.")))
        ids = request.form.getlist("enrolment_id")
        present, absent = request.form.getlist("present"), request.form.getlist("absent")
        hours: dict[int, tuple[int, int]] = {}
        known = {str(e.id) for e in people}
        if len(ids) != len(present) or len(ids) != len(absent) or not set(ids) <= known:
            errors.append(("", _("Reload the page and try again.")))
        else:
            for eid, p_raw, a_raw in zip(ids, present, absent, strict=True):
                typed[f"present-{eid}"], typed[f"absent-{eid}"] = p_raw[:10], a_raw[:10]
                p_val, a_val = attendance.parse_hours(p_raw), attendance.parse_hours(a_raw)
                for name, value in ((f"present-{eid}", p_val), (f"absent-{eid}", a_val)):
                    if value is None:
                        errors.append((name, _("Enter whole hours from 0 to %(max)d.",
                                               max=attendance.HOURS_MAX)))
                if p_val is not None and a_val is not None:
                    hours[int(eid)] = (p_val, a_val)
        if not errors:
            try:
                changed = attendance.save(cohort, week, hours, actor=current_user)
            except DomainError as exc:
                errors.append(("", exc.message))
            else:
                flash(ngettext("Attendance saved: %(num)d row changed.",
                               "Attendance saved: %(num)d rows changed.", changed), "success")
                return redirect(url_for(".attendance_sheet", cohort_id=cohort.id,
                                        week=week.isoformat()))
    return render_template("training/attendance.html", cohort=cohort, week=week,
                           weeks=course_weeks, people=people, saved=saved, errors=errors,
                           error_fields={f for f, _m in errors}, typed=typed,
                           form=form, hours_max=attendance.HOURS_MAX), 422 if errors else 200


ENDED = frozenset({EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT})


def _ended(cohort: Cohort) -> list[Enrolment]:
    return list(db.session.scalars(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id,
                                Enrolment.status.in_([s.value for s in ENDED]))
        .join(Enrolment.participant).options(contains_eager(Enrolment.participant))
        .order_by(Participant.last_name, Participant.first_name, Enrolment.id)))


@bp.get("/staff/cohorts/<int:cohort_id>/outcomes")
@access(Access.STAFF)
def outcomes_overview(cohort_id: int):
    """Everyone who has left the course, with their outcome at the end, at follow-up and
    at the later follow-up."""
    cohort = _cohort(cohort_id)
    ended = _ended(cohort)
    recorded = outcomes.for_cohort(cohort.id)
    at_end = [recorded[(e.participant_id, Checkpoint.END)] for e in ended
              if (e.participant_id, Checkpoint.END) in recorded]
    return render_template(
        "training/outcomes.html", cohort=cohort, ended=ended, recorded=recorded,
        # The checkpoints after the end, each with its due date per enrolment.
        later_checkpoints=[
            (checkpoint, {e.id: outcomes.due_date(checkpoint, e.ended_on) for e in ended})
            for checkpoint in (Checkpoint.FOLLOW_UP, Checkpoint.LATE)],
        today=local_today(), checkpoints=Checkpoint,
        in_work_or_studies=sum(1 for o in at_end if o.status_enum in WORK_OR_STUDIES),
        known_at_end=len(at_end), follow_up_days=outcomes.follow_up_days(),
        late_follow_up_days=outcomes.late_follow_up_days())


@bp.route("/staff/cohorts/<int:cohort_id>/outcomes/<int:enrolment_id>/<checkpoint>",
          methods=["GET", "POST"])
@access(Access.STAFF)
def record_outcome(cohort_id: int, enrolment_id: int, checkpoint: str):
    cohort = _cohort(cohort_id)
    found = db.session.get(Enrolment, enrolment_id)
    if found is None or found.cohort_id != cohort.id or checkpoint not in set(Checkpoint):
        abort(404)
    back = url_for(".outcomes_overview", cohort_id=cohort.id)
    if found.status_enum not in ENDED:
        flash(_("An outcome is recorded once the person has left the course."), "error")
        return redirect(back)
    participant = found.participant
    existing = outcomes.find(participant, checkpoint, cohort_id=cohort.id)
    orgs = {c.organisation_id: c.organisation for c in cohort.commitments}
    if existing is not None and existing.organisation is not None:
        orgs[existing.organisation_id] = existing.organisation
    form = OutcomeForm(organisations=sorted(orgs.values(), key=lambda o: o.name),
                       obj=existing if request.method == "GET" else None)
    if request.method == "GET":
        form.version_id.data = str(existing.version_id) if existing else "0"
        form.organisation_id.data = str(existing.organisation_id or "") if existing else ""
        form.employment_form.data = existing.employment_form if existing else ""
    due = outcomes.due_date(checkpoint, found.ended_on)
    status = 200
    if form.validate_on_submit():
        on = form.recorded_on.data or local_today()
        if checkpoint == Checkpoint.END and on < found.ended_on:
            form.add_error("recorded_on", _("The outcome at the end is noted on or after "
                                            "%(date)s, when the person left the course.",
                                            date=format_date(found.ended_on)))
        elif checkpoint == Checkpoint.FOLLOW_UP and on < due:
            form.add_error("recorded_on", _("The follow-up is due on %(date)s; record it "
                                            "from then.", date=format_date(due)))
        elif checkpoint == Checkpoint.LATE and on < due:
            form.add_error("recorded_on", _("The later follow-up is due on %(date)s; record "
                                            "it from then.", date=format_date(due)))
        else:
            chosen = orgs.get(int(form.organisation_id.data)) \
                if form.organisation_id.data else None
            values = outcomes.Values(
                status=form.status.data, organisation=chosen,
                employer_name=form.employer_name.data or "",
                employment_form=form.employment_form.data or "",
                weekly_hours=form.weekly_hours.data, note=form.note.data or "",
                recorded_on=on)
            try:
                outcomes.record(participant, values, checkpoint=checkpoint,
                                actor=current_user, cohort_id=cohort.id,
                                expected_version=form.version_id.version)
            except ConflictError as exc:
                db.session.rollback()
                form.add_error(None, exc.message)
                latest = outcomes.find(participant, checkpoint, cohort_id=cohort.id)
                form.version_id.data = str(latest.version_id) if latest else "0"
                status = 409
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                flash(_("The outcome for %(name)s is saved.", name=participant.full_name),
                      "success")
                return redirect(back)
    if form.errors and status == 200:
        status = 422
    return render_template("training/outcome_form.html", cohort=cohort, enrolment=found,
                           participant=participant, checkpoint=Checkpoint(checkpoint),
                           form=form, existing=existing, due=due), status


@bp.get("/staff/cohorts/<int:cohort_id>.ics")
@access(Access.STAFF)
def calendar(cohort_id: int):
    return _ics(_cohort(cohort_id))


def _ics(cohort: Cohort) -> Response:
    body = services.ics(cohort, host=request.host.split(":")[0] or "portal")
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="course-{cohort.id}.ics"'})


# --- employers --------------------------------------------------------------------------------

def _org(org_id: int) -> Organisation:
    org = db.get_or_404(Organisation, org_id)
    perm.require(perm.can_view_organisation(current_user, org))
    return org


def _visible(org: Organisation, cohort_id: int) -> Cohort:
    cohort = services.get(cohort_id)
    perm.require(cohort is not None and services.visible_to(cohort, org))
    return cohort


@bp.get("/organisations/<int:org_id>/cohorts")
@access(Access.USER)
def employer_index(org_id: int):
    org = _org(org_id)
    return render_template("training/employer_index.html", organisation=org,
                           mine=services.for_organisation(org),
                           open_cohorts=services.open_for_interest(org))


@bp.route("/organisations/<int:org_id>/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@access(Access.USER)
def employer_view(org_id: int, cohort_id: int):
    org = _org(org_id)
    cohort = _visible(org, cohort_id)
    form = InterestForm()
    if request.method == "POST":
        if current_user.is_staff:
            abort(403)
        if form.validate_on_submit():
            try:
                services.register_interest(cohort, org, actor=current_user,
                                           note=form.note.data)
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                flash(_("Thank you. We will contact you about what you can offer."),
                      "success")
                return redirect(url_for(".employer_view", org_id=org.id, cohort_id=cohort.id))
    return render_template("training/employer_view.html", organisation=org, cohort=cohort,
                           commitment=services.commitment_for(cohort, org), form=form,
                           interested=CommitmentStatus.INTERESTED), \
        422 if form.errors else 200


@bp.get("/organisations/<int:org_id>/cohorts/<int:cohort_id>.ics")
@access(Access.USER)
def employer_calendar(org_id: int, cohort_id: int):
    org = _org(org_id)
    return _ics(_visible(org, cohort_id))
