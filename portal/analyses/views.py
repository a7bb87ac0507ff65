"""Needs analyses and the demand overview (staff), and the employer's reading of them."""

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
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal.analyses import demand, services
from portal.analyses.enums import AnalysisState, RecommendedAction, ResponseKind
from portal.analyses.forms import ActionForm, AnalysisForm, RespondForm, StartForm
from portal.analyses.models import NeedsAnalysis
from portal.core import idempotency
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.permissions import Access, access
from portal.employers import occupations
from portal.employers import permissions as perm
from portal.employers.enums import NeedTimeframe, Sector
from portal.employers.models import Organisation
from portal.extensions import db, htmx

bp = Blueprint("analyses", __name__)


def _analysis(analysis_id: int) -> NeedsAnalysis:
    analysis = services.get(analysis_id)
    if analysis is None:
        abort(404)
    return analysis


# --- staff: list, start, write ----------------------------------------------------------------

@bp.get("/staff/analyses/")
@access(Access.STAFF)
def index():
    filters = services.Filters.from_args(request.args)
    rows, total, page, pages = services.staff_list(filters,
                                                   current_app.config["PAGE_SIZE"])
    return render_template("analyses/index.html", rows=rows, total=total, page=page,
                           pages=pages, filters=filters, states=list(AnalysisState),
                           today=local_today())


@bp.route("/staff/organisations/<int:org_id>/analyses/new", methods=["GET", "POST"])
@access(Access.STAFF)
def start(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    requests_ = services.open_requests(org)
    needs = services.open_needs(org)
    form = StartForm(requests=requests_, needs=needs)
    if request.method == "GET":
        # Started from a request's page: that request, and its needs, ticked.
        form.request_ids.data = [v for v in request.args.getlist("request")
                                 if v in {str(r.id) for r in requests_}]
        form.need_ids.data = [v for v in request.args.getlist("need")
                              if v in {str(n.id) for n in needs}]
    if form.is_submitted():
        done = idempotency.previous_result(form.submission_key.data)
        if done:
            return redirect(done)
    if form.validate_on_submit():
        done = idempotency.claim(form.submission_key.data, user_id=current_user.id)
        if done:
            return redirect(done)
        try:
            analysis = services.start(org, actor=current_user,
                                      request_ids=form.ids(form.request_ids),
                                      need_ids=form.ids(form.need_ids),
                                      meeting_date=form.meeting_date.data)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            target = url_for(".edit", analysis_id=analysis.id)
            idempotency.finish(form.submission_key.data, target)
            flash(_("A draft needs analysis for %(org)s is started. Fill it in and make it "
                    "final when it is agreed.", org=org.name), "success")
            return redirect(target)
    return render_template("analyses/start.html", form=form, organisation=org,
                           open_requests=requests_, needs=needs), \
        422 if form.errors else 200


@bp.get("/staff/analyses/<int:analysis_id>")
@access(Access.STAFF)
def detail(analysis_id: int):
    analysis = _analysis(analysis_id)
    action_form = ActionForm()
    action_form.version_id.data = str(analysis.version_id)
    return render_template("analyses/detail.html", analysis=analysis,
                           version=analysis.current, action_form=action_form,
                           responses=services.responses(analysis),
                           history=services.history(analysis),
                           problems=services.problems(analysis.draft) if analysis.draft
                           else [])


@bp.get("/staff/analyses/<int:analysis_id>/versions/<int:number>")
@access(Access.STAFF)
def version(analysis_id: int, number: int):
    analysis = _analysis(analysis_id)
    shown = analysis.version(number)
    if shown is None:
        abort(404)
    return render_template("analyses/version.html", analysis=analysis, version=shown,
                           staff=True)


@bp.route("/staff/analyses/<int:analysis_id>/edit", methods=["GET", "POST"])
@access(Access.STAFF)
def edit(analysis_id: int):
    analysis = _analysis(analysis_id)
    draft = analysis.draft
    if draft is None:
        flash(_("This analysis is final. Start a new version to change it."), "error")
        return redirect(url_for(".detail", analysis_id=analysis.id))
    if request.method == "GET":
        form = AnalysisForm(obj=draft, lines=services.line_values(draft))
        form.actions.data = [a.value for a in draft.action_list]
        form.version_id.data = str(analysis.version_id)
        return render_template("analyses/edit.html", form=form, analysis=analysis,
                               draft=draft)
    form = AnalysisForm()
    if "add_line" in request.form:
        # Without JavaScript, a new blank line is one more round trip; nothing is saved.
        if not form.can_add_line():
            form.add_error(None, _("An analysis holds at most %(max)d lines.",
                                   max=services.MAX_LINES))
            return render_template("analyses/edit.html", form=form, analysis=analysis,
                                   draft=draft), 422
        form.add_blank_line()
        return render_template("analyses/edit.html", form=form, analysis=analysis,
                               draft=draft, focus=form.lines[-1].occupation_code.id)
    status = 200
    if form.validate_on_submit():
        try:
            services.save_draft(analysis, values=form.header_values(),
                                lines=form.line_values(), actor=current_user,
                                expected_version=form.version_id.version)
            if "finalise" in request.form:
                number = services.finalise(analysis, actor=current_user,
                                           expected_version=None)
                flash(_("Version %(number)d is final; the organisation's users are told.",
                        number=number), "success")
            else:
                flash(_("The draft is saved."), "success")
        except ConflictError as exc:
            db.session.rollback()
            analysis = _analysis(analysis_id)
            draft = analysis.draft
            form.add_error(None, exc.message)
            form.version_id.data = str(analysis.version_id)
            status = 409
        except services.Incomplete as exc:
            # The draft is saved; what stops it being final is shown on the form.
            db.session.commit()
            form.version_id.data = str(analysis.version_id)
            form.add_error(None, _("The draft is saved, but it cannot be final yet."))
            for field, message in exc.problems:
                form.add_error(field, message)
            status = 422
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
            status = 422
        else:
            return redirect(url_for(".detail", analysis_id=analysis.id))
    else:
        status = 422
    if draft is None:  # a colleague made it final meanwhile
        return redirect(url_for(".detail", analysis_id=analysis.id))
    return render_template("analyses/edit.html", form=form, analysis=analysis,
                           draft=draft), status


def _action(analysis_id: int, run, success: str):
    analysis = _analysis(analysis_id)
    form = ActionForm()
    target = url_for(".detail", analysis_id=analysis_id)
    if not form.validate_on_submit():
        flash(_("Reload the page and try again."), "error")
        return redirect(target)
    try:
        result = run(analysis, form.version_id.version)
    except services.Incomplete as exc:
        flash(_("The analysis cannot be final yet: %(problems)s",
                problems=" ".join(m for _f, m in exc.problems)), "error")
        return redirect(url_for(".edit", analysis_id=analysis_id))
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(target)
    flash(success, "success")
    return redirect(result if isinstance(result, str) else target)


@bp.post("/staff/analyses/<int:analysis_id>/finalise")
@access(Access.STAFF)
def finalise(analysis_id: int):
    return _action(analysis_id, lambda a, v: services.finalise(
        a, actor=current_user, expected_version=v),
        _("The analysis is final; the organisation's users are told."))


@bp.post("/staff/analyses/<int:analysis_id>/revise")
@access(Access.STAFF)
def revise(analysis_id: int):
    def run(analysis, expected):
        services.revise(analysis, actor=current_user, expected_version=expected)
        return url_for(".edit", analysis_id=analysis.id)

    return _action(analysis_id, run,
                   _("A new version is started as a draft. The employer still sees the "
                     "final version until you make this one final."))


@bp.post("/staff/analyses/<int:analysis_id>/discard")
@access(Access.STAFF)
def discard(analysis_id: int):
    def run(analysis, expected):
        kept = services.discard_draft(analysis, actor=current_user, expected_version=expected)
        return None if kept else url_for(".index")

    return _action(analysis_id, run, _("The draft is discarded."))


# --- staff: the demand overview ---------------------------------------------------------------

def _demand_context(filters):
    rows = demand.overview(filters)
    return {"rows": rows, "filters": filters,
            "totals": demand.totals(rows, demand.employer_count(filters)),
            "sectors": list(Sector), "timeframes": list(NeedTimeframe)}


@bp.get("/staff/demand")
@access(Access.STAFF)
def demand_overview():
    filters = demand.Filters.from_args(request.args)
    context = _demand_context(filters)
    if htmx and htmx.target == "demand":
        return render_block("analyses/demand.html", "demand", **context)
    return render_template("analyses/demand.html", **context)


@bp.get("/staff/demand.csv")
@access(Access.STAFF)
def demand_csv():
    filters = demand.Filters.from_args(request.args)
    body = demand.to_csv(demand.overview(filters))
    name = f"demand-{local_today().isoformat()}.csv"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/staff/demand/organisations")
@access(Access.STAFF)
def demand_organisations():
    filters = demand.Filters.from_args(request.args)
    code = (request.args.get("occupation") or "")[:5]
    other = "".join(ch for ch in (request.args.get("other") or "") if ch.isprintable())[:120]
    if code != occupations.OTHER and code not in occupations.CODES:
        flash(_("Choose a row in the overview."), "error")
        return redirect(url_for(".demand_overview", **filters.args()))
    return render_template("analyses/demand_organisations.html", filters=filters, code=code,
                           other=other, label=occupations.label(code, other),
                           rows=demand.organisations(filters, code, other))


# --- the employer -----------------------------------------------------------------------------

def _employer_org(org_id: int) -> Organisation:
    org = db.get_or_404(Organisation, org_id)
    perm.require(perm.can_view_organisation(current_user, org))
    return org


def _employer_analysis(org: Organisation, analysis_id: int) -> NeedsAnalysis:
    analysis = services.get(analysis_id)
    perm.require(analysis is not None and analysis.organisation_id == org.id
                 and analysis.final_number is not None)
    return analysis


@bp.get("/organisations/<int:org_id>/analyses")
@access(Access.USER)
def employer_index(org_id: int):
    org = _employer_org(org_id)
    return render_template("analyses/employer_index.html", organisation=org,
                           rows=services.for_organisation(org, final_only=True))


@bp.route("/organisations/<int:org_id>/analyses/<int:analysis_id>", methods=["GET", "POST"])
@access(Access.USER)
def employer_view(org_id: int, analysis_id: int):
    org = _employer_org(org_id)
    analysis = _employer_analysis(org, analysis_id)
    number = request.args.get("version", "")
    shown = analysis.final
    if number.isdecimal() and len(number) < 5:
        older = analysis.version(int(number))
        perm.require(older is not None and older.is_final)
        shown = older
    form = RespondForm()
    if request.method == "POST":
        if current_user.is_staff:
            flash(_("Only the organisation's users answer its analyses."), "error")
            return redirect(url_for(".employer_view", org_id=org.id, analysis_id=analysis.id))
        if form.validate_on_submit():
            try:
                services.respond(analysis, user=current_user,
                                 kind=ResponseKind(form.kind.data), comment=form.comment.data)
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                flash(_("Thank you. The labour-market unit has your answer."), "success")
                return redirect(url_for(".employer_view", org_id=org.id,
                                        analysis_id=analysis.id))
    return render_template("analyses/employer_view.html", organisation=org, analysis=analysis,
                           version=shown, form=form,
                           responses=services.responses(analysis),
                           actions=list(RecommendedAction)), 422 if form.errors else 200
